"""Moving and cancelling a booking: a reason is required, the rules run again, nothing is lost.

Today is frozen at Monday 3 August 2026. Pat's Highfield observation is booked for Monday 17
August 2026 by Anna, Pat's assessor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.planning import bookings
from openepa.planning.models import Booking, BookingChange
from openepa.registration.models import Registration
from tests.planning.conftest import GATEWAY, approve

TODAY = GATEWAY


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def observation(
    past_gateway: Callable[..., Registration], anna: User, ivy: User, pat: User
) -> Booking:
    approve(anna, "st0071-highfield")
    registration = past_gateway(
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
        assessor=anna,
        iqa=ivy,
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    return bookings.book(
        registration,
        anna,
        method_id="observation",
        on=date(2026, 8, 17),
        starts_at=time(10, 0),
        minutes=[60],
        mode="face_to_face",
        submissions={},
    )


def move_data(on: date, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "revision": 1,
        "on_day": on.day,
        "on_month": on.month,
        "on_year": on.year,
        "starts_at": "14:30",
        "minutes": "60",
        "mode": "face_to_face",
        "reason": "Pat was in hospital",
    }
    data.update(extra)
    return data


def test_a_move_keeps_the_old_and_new_values_and_the_reason(
    observation: Booking, alice: User, login: Callable[[User], Client]
) -> None:
    url = reverse("planning:booking_move", args=[observation.pk])
    response = login(alice).post(url, move_data(date(2026, 8, 24)))
    assert response.status_code == 302
    observation.refresh_from_db()
    assert (observation.on, observation.starts_at, observation.revision) == (
        date(2026, 8, 24),
        time(14, 30),
        2,
    )
    change = BookingChange.objects.get()
    assert (change.old_on, change.new_on, change.changed_by) == (
        date(2026, 8, 17),
        date(2026, 8, 24),
        alice,
    )
    assert change.reason == "Pat was in hospital"
    event = AuditEvent.objects.get(action="planning.booking_moved")
    assert event.changes["on"] == {"old": "2026-08-17", "new": "2026-08-24"}
    assert event.reason == "Pat was in hospital"
    history = login(alice).get(url).content.decode()
    assert "Pat was in hospital" in history


def test_the_same_rules_refuse_a_move_to_a_day_with_too_little_notice(
    observation: Booking, anna: User, login: Callable[[User], Client]
) -> None:
    url = reverse("planning:booking_move", args=[observation.pk])
    response = login(anna).post(url, move_data(date(2026, 8, 10)))
    assert response.status_code == 200
    assert "minimum of 2 weeks" in response.content.decode()
    observation.refresh_from_db()
    assert observation.on == date(2026, 8, 17)
    assert not BookingChange.objects.exists()


def test_a_move_needs_a_reason(
    observation: Booking, anna: User, login: Callable[[User], Client]
) -> None:
    url = reverse("planning:booking_move", args=[observation.pk])
    response = login(anna).post(url, move_data(date(2026, 8, 24), reason=""))
    assert "Enter the reason the booking is moved" in response.content.decode()
    assert not BookingChange.objects.exists()


def test_a_second_person_moving_an_old_copy_is_told_and_loses_nothing(
    observation: Booking, alice: User, anna: User, login: Callable[[User], Client]
) -> None:
    url = reverse("planning:booking_move", args=[observation.pk])
    assert login(alice).post(url, move_data(date(2026, 8, 24))).status_code == 302
    response = login(anna).post(url, move_data(date(2026, 8, 25), reason="Anna is ill"))
    assert "Someone else changed or cancelled this booking" in response.content.decode()
    observation.refresh_from_db()
    assert observation.on == date(2026, 8, 24)


def test_a_cancelled_booking_is_kept_with_its_reason(
    observation: Booking, anna: User, login: Callable[[User], Client]
) -> None:
    url = reverse("planning:booking_cancel", args=[observation.pk])
    response = login(anna).post(url, {"revision": 1, "reason": "Pat left the employer"})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.status == Booking.Status.CANCELLED
    change = BookingChange.objects.get()
    assert (change.old_on, change.new_on, change.reason) == (
        date(2026, 8, 17),
        None,
        "Pat left the employer",
    )
    assert AuditEvent.objects.filter(action="planning.booking_cancelled").exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("ivy", 403), ("bob", 403), ("erin", 403), ("pat", 403), ("aziz", 404), ("mallory", 404)],
)
def test_only_the_allocated_assessor_or_an_epao_admin_moves_or_cancels(
    observation: Booking,
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    person: str,
    status: int,
) -> None:
    client = login(request.getfixturevalue(person))
    move = reverse("planning:booking_move", args=[observation.pk])
    cancel = reverse("planning:booking_cancel", args=[observation.pk])
    assert client.post(move, move_data(date(2026, 8, 24))).status_code == status
    assert client.post(cancel, {"revision": 1, "reason": "x"}).status_code == status
    observation.refresh_from_db()
    assert (observation.on, observation.status) == (date(2026, 8, 17), Booking.Status.BOOKED)
