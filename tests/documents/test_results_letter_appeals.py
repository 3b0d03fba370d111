"""The results letter offers an appeal only while one may still be lodged.

Once an appeal against the result is decided (or withdrawn by whoever lodged it), the letter
says so instead of offering another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from openepa.accounts.models import User
from openepa.documents.services import results_letter
from openepa.kernel import clock
from openepa.results.appeals import (
    assign_reviewer,
    decide_appeal,
    lodge_appeal,
    withdraw_appeal,
)
from tests.documents.conftest import pdf_text, squash

OFFER = "you may appeal until"


def _today() -> str:
    """Today as the letter writes it (appeals are stamped with the real moment)."""
    day = timezone.localdate()
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def released(
    assessed: Callable[..., Any], pat: User, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    registration, result = assessed(
        "st0071-highfield", failing=["observation"], apprentice_user=pat
    )
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 5))
    return registration, result


def test_the_letter_offers_an_appeal_until_one_is_decided(
    released: tuple[Any, Any], pat: User, alice: User, ivy: User, epao: Any
) -> None:
    registration, result = released
    assert OFFER in pdf_text(results_letter(result))
    otto = User.objects.create_user(
        "otto@epao.example", "pw-unused-123", full_name="Otto Other", role="assessor", epao=epao
    )
    appeal = lodge_appeal(registration, pat, grounds="Cut short.")
    appeal = assign_reviewer(appeal, alice, otto, revision=appeal.revision)
    decide_appeal(appeal, otto, upheld=False, reason="Ran in full.", revision=appeal.revision)
    text = pdf_text(results_letter(result))
    assert OFFER not in text
    day = _today()
    assert squash(
        f"The appeal lodged on {day} by Pat Apprentice was not upheld on {day}."
    ) in squash(text)


def test_the_letter_stops_offering_an_appeal_once_one_is_withdrawn(
    released: tuple[Any, Any], pat: User
) -> None:
    registration, result = released
    appeal = lodge_appeal(registration, pat, grounds="Cut short.")
    withdraw_appeal(appeal, pat, reason="Resolved.", revision=appeal.revision)
    text = pdf_text(results_letter(result))
    assert OFFER not in text
    assert squash(f"by Pat Apprentice was withdrawn on {_today()}.") in squash(text)
