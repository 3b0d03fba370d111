"""Through the real services: a fail, a resit and a pass; a withdrawal after a fail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from tests.assessment_service.conftest import FakeService
from tests.epa import record_method
from tests.results.test_reassessment_support import failed_highfield, release

from openepa.accounts.models import User
from openepa.assessment_service.sending import send_due
from openepa.kernel import clock
from openepa.registration import lifecycle
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.reassessment import Agreement, record_reassessment

RELEASED = date(2026, 1, 10)


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 2, 1))


def test_a_fail_then_a_resit_pass_reach_the_service_as_one_record_of_two_epas(
    service: FakeService,
    make_registration: Callable[..., Registration],
    anna: User,
    alice: User,
    on: Any,
) -> None:
    registration, failed = failed_highfield(make_registration, anna, alice, released=RELEASED)
    item = ServiceItem.objects.get(registration=registration, kind="epa")
    assert [epa["epaOutcome"] for epa in item.payload["epaDetails"]["epas"]] == ["Fail"]
    assert send_due().sent[0].action == "create"
    agreement = Agreement(
        kind="resit",
        employer_agreed=True,
        employer_contact="Erin Employer",
        employer_agreed_on=date(2026, 1, 20),
        attempts_agreed=2,
    )
    record_reassessment(registration, alice, agreement, based_on=1)
    record_method(registration, "observation", anna, assessed_on=date(2026, 1, 28))
    passed = release(registration, alice, date(2026, 2, 1))
    item.refresh_from_db()
    assert item.payload["epaDetails"]["epas"] == [
        {"epaDate": f"{failed.last_assessment_on}T00:00:00", "epaOutcome": "Fail"},
        {
            # A pass is dated by its achievement date (the claim's), as the service dates it.
            "epaDate": f"{passed.certificate_claim.achievement_date}T00:00:00",
            "epaOutcome": "Pass",
            "resit": True,
            "retake": False,
        },
    ]
    summary = send_due()
    assert [(line.action, line.reference) for line in summary.sent] == [("update", item.reference)]
    held = service.held[registration.apprentice.uln]
    assert [epa["epaOutcome"] for epa in held.epas] == ["Fail", "Pass"]


def test_a_registration_withdrawn_after_a_fail_is_recorded_withdrawn(
    service: FakeService,
    make_registration: Callable[..., Registration],
    anna: User,
    alice: User,
    on: Any,
) -> None:
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    registration.refresh_from_db()
    lifecycle.withdraw(
        registration, alice, reason="Left the employer", revision=registration.revision
    )
    item = ServiceItem.objects.get(registration=registration, kind="epa")
    assert item.payload["epaDetails"]["epas"][-1] == {
        "epaDate": "2026-02-01T00:00:00",
        "epaOutcome": "Withdrawn",
        "resit": False,
        "retake": False,
    }
    send_due()
    outcomes = [epa["epaOutcome"] for epa in service.held[registration.apprentice.uln].epas]
    assert outcomes == ["Fail", "Withdrawn"]
