"""Capacity counts the assessments in the weeks concerned, and an EPAO admin may override it.

Quinn is on st0072-activeiq, whose specification sets no EPA window: capacity counts the
assessments booked or planned in the next ``CAPACITY_WEEKS_WITHOUT_WINDOW`` weeks. Today is
frozen at Monday 7 September 2026. Anna and Ivy are approved for Active IQ; Anna assesses five
assessments a week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.planning.models import Allocation, AssessmentPlan, PlannedMethod
from openepa.registration.models import Registration
from tests.planning.conftest import approve, book

TODAY = date(2026, 9, 7)
SPEC = "st0072-activeiq"
FULL = (
    "At capacity: 5 assessments booked or planned from 7 September 2026 to 13 September 2026, "
    "capacity 5 (5 a week)"
)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def quinn(past_gateway: Callable[..., Registration], anna: User, ivy: User) -> Registration:
    approve(anna, SPEC)
    approve(ivy, SPEC)
    return past_gateway(SPEC, given_names="Quinn", family_name="Apprentice", epa_window_end=None)


@pytest.fixture
def full_week(
    quinn: Registration,
    past_gateway: Callable[..., Registration],
    anna: User,
    alice: User,
    settings: Any,
) -> None:
    """Capacity counts one week; Anna has four bookings and one planned method in it."""
    settings.CAPACITY_WEEKS_WITHOUT_WINDOW = 1
    for day in (7, 8, 9, 10):
        other = past_gateway(SPEC, epa_window_end=None, assessor=anna)
        book(other, "observation", date(2026, 9, day), anna, alice)
    planned = past_gateway(SPEC, epa_window_end=None, assessor=anna)
    plan = AssessmentPlan.objects.create(registration=planned)
    PlannedMethod.objects.create(
        plan=plan, method_id="discussion", position=3, planned_date=date(2026, 9, 11)
    )
    # A planned method already booked counts once, and next week's booking not at all.
    PlannedMethod.objects.create(
        plan=plan, method_id="observation", position=1, planned_date=date(2026, 9, 11)
    )
    book(planned, "observation", date(2026, 9, 14), anna, alice)


def _url(registration: Registration) -> str:
    return reverse("planning:allocate", args=[registration.pk])


def _post(client: Client, registration: Registration, **data: Any) -> Any:
    data.setdefault("revision", registration.revision)
    return client.post(_url(registration), data)


def test_an_active_iq_apprentice_can_be_allocated_to_an_assessor_with_capacity(
    quinn: Registration,
    past_gateway: Callable[..., Registration],
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    ivy: User,
) -> None:
    """Six apprentices allocated to Anna, none booked in the weeks ahead: she has capacity."""
    for _ in range(6):
        past_gateway(SPEC, epa_window_end=None, assessor=anna)
    client = login(alice)
    page = client.get(_url(quinn))
    assert [v.candidate.name for v in page.context["eligible"]] == ["Anna Assessor"]
    assert "0 assessments booked or planned in the next 12 weeks, capacity 60" in (
        page.content.decode()
    )
    assert _post(client, quinn, assessor=anna.pk, iqa=ivy.pk).status_code == 302
    quinn.refresh_from_db()
    assert quinn.assessor == anna


@pytest.mark.usefixtures("full_week")
def test_a_full_week_refuses_with_the_numbers(
    quinn: Registration, login: Callable[[User], Client], alice: User, anna: User, ivy: User
) -> None:
    client = login(alice)
    page = client.get(_url(quinn))
    assert page.context["eligible"] == []
    assert [v.reasons for v in page.context["over_capacity"]] == [(FULL,)]
    refused = _post(client, quinn, assessor=anna.pk, iqa=ivy.pk)
    assert refused.status_code == 200
    assert f"Anna Assessor cannot assess Quinn Apprentice: {FULL}" in refused.content.decode()
    quinn.refresh_from_db()
    assert quinn.assessor is None


@pytest.mark.usefixtures("full_week")
def test_an_override_with_a_reason_allocates_and_is_audited(
    quinn: Registration, login: Callable[[User], Client], alice: User, anna: User, ivy: User
) -> None:
    reason = "Anna is the only assessor who knows the showcase; she agreed to a sixth"
    response = _post(
        login(alice), quinn, assessor=anna.pk, iqa=ivy.pk, override_capacity="on", reason=reason
    )
    assert response.status_code == 302
    quinn.refresh_from_db()
    assert quinn.assessor == anna
    assert Allocation.objects.get(registration=quinn).reason == reason
    event = AuditEvent.objects.get(action="planning.allocated", registration=quinn)
    assert event.changes["capacity overridden"] == {"old": None, "new": FULL}
    assert event.reason == reason
    assert event.actor_id == alice.pk


@pytest.mark.usefixtures("full_week")
def test_an_override_without_a_reason_is_refused(
    quinn: Registration, login: Callable[[User], Client], alice: User, anna: User, ivy: User
) -> None:
    response = _post(login(alice), quinn, assessor=anna.pk, iqa=ivy.pk, override_capacity="on")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Say why you are allocating Anna Assessor above capacity" in page
    quinn.refresh_from_db()
    assert quinn.assessor is None
    assert not Allocation.objects.filter(registration=quinn).exists()


@pytest.mark.usefixtures("full_week")
def test_an_override_does_not_lift_any_other_reason(
    quinn: Registration, login: Callable[[User], Client], alice: User, anna: User, ivy: User
) -> None:
    approve(anna, "st0071-highfield", capacity=5)  # no longer approved for Active IQ
    response = _post(
        login(alice), quinn, assessor=anna.pk, iqa=ivy.pk, override_capacity="on", reason="Busy"
    )
    assert "Not approved for the specification st0072-activeiq" in response.content.decode()
    quinn.refresh_from_db()
    assert quinn.assessor is None
