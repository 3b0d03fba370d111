"""The assessor keeps read access to the records they submitted once the result is released.

Anna assessed Pat's Highfield EPA; Alice released the result. Anna opens each record: she
reads it (200), read-only, with its grade; she cannot change it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.test import Client
from django.urls import reverse
from tests.epa import accept, policy_without_sampling
from tests.results.test_reassessment_support import assess, release

from openepa.accounts.models import User
from openepa.registration.models import Registration

SCSS = Path(__file__).resolve().parents[2] / "src/openepa/web/assets/openepa.scss"


def _released(
    make_registration: Callable[..., Registration], anna: User, alice: User
) -> Registration:
    registration = accept(make_registration("st0071-highfield"), anna)
    policy_without_sampling(registration.epao)
    assess(registration, anna, ("project", "discussion", "observation"))
    release(registration, alice, date(2026, 9, 20))
    return registration


def test_the_assessor_reads_their_submitted_record_after_release(
    make_registration: Callable[..., Registration], anna: User, alice: User, client: Client
) -> None:
    registration = _released(make_registration, anna, alice)
    client.force_login(anna)
    url = reverse("assessment:record", args=[registration.pk, "observation"])
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="record-form"' not in text  # read-only
    assert "Submitted by Anna Assessor" in text
    assert "a new assessment needs a resit or retake" not in text
    assert client.post(url, {"action": "save", "feedback": "Changed."}).status_code == 409


def test_the_live_grade_panel_stays_in_view_while_scrolling(
    make_registration: Callable[..., Registration], anna: User, alice: User, client: Client
) -> None:
    registration = accept(make_registration("st0071-highfield"), anna)
    client.force_login(anna)
    text = client.get(
        reverse("assessment:record", args=[registration.pk, "observation"])
    ).content.decode()
    row = re.search(r'<div class="([^"]*)">\s*<div class="govuk-grid-column-two-thirds">', text)
    assert row is not None
    assert "openepa-record" in row.group(1).split()
    assert 'class="openepa-grade-panel"' in text
    scss = SCSS.read_text()
    # The row stretches its columns to the record's height, so the panel has room to stick.
    assert re.search(r"\.openepa-record\s*\{[^}]*display:\s*flex", scss)
    assert re.search(r"\.openepa-grade-panel\s*\{[^}]*position:\s*sticky", scss)
