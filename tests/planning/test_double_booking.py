"""No double booking: an assessor or an apprentice is never booked twice at once.

Today is frozen at Monday 3 August 2026, the day Pat and Sam passed the gateway. Anna assesses
both: Pat (provider Acme Training, Bob) and Sam (provider Other Training, Charlie). Sam's
observation is booked on Monday 17 August 2026 from 10:00 to 11:00. Assessments of one person
need 30 minutes between them (``BOOKING_GAP_MINUTES``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.kernel import clock
from openepa.planning import bookings, calendar, clashes
from openepa.planning.bookings import BookingRefused
from openepa.planning.models import Booking
from openepa.registration.models import Registration
from openepa.rules.booking.clashes import Slot, overlap_groups, overlapping_bookings
from tests.planning.conftest import GATEWAY, approve
from tests.planning.test_booking_add import booking_data

DAY = date(2026, 8, 17)
REGISTERED = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: GATEWAY)


@pytest.fixture
def pats(
    past_gateway: Callable[..., Registration], anna: User, ivy: User, pat: User
) -> Registration:
    approve(anna, "st0071-highfield", "st0072-excelme")
    return past_gateway(
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
        assessor=anna,
        iqa=ivy,
        created_at=REGISTERED,
    )


@pytest.fixture
def sams(
    past_gateway: Callable[..., Registration],
    pats: Registration,
    anna: User,
    ivy: User,
    other_provider: Organisation,
) -> Registration:
    return past_gateway(
        given_names="Sam",
        family_name="Example",
        provider_org=other_provider,
        assessor=anna,
        iqa=ivy,
        created_at=REGISTERED,
    )


def book(
    registration: Registration, actor: User, method: str, on: date, at: time, minutes: int = 60
) -> Booking:
    return bookings.book(
        registration,
        actor,
        method_id=method,
        on=on,
        starts_at=at,
        minutes=[minutes],
        mode="face_to_face",
        submissions={},
    )


@pytest.fixture
def sams_observation(sams: Registration, alice: User) -> Booking:
    return book(sams, alice, "observation", DAY, time(10, 0))


def post_booking(client: Client, registration: Registration, at: str, **extra: Any) -> Any:
    data = booking_data("observation", DAY, starts_at=at, **extra)
    return client.post(reverse("planning:booking_add", args=[registration.pk]), data)


# --- the rule ----------------------------------------------------------------------------


def slot(start: time, minutes: int = 60) -> Slot:
    return Slot(DAY, start, minutes)


def test_overlapping_bookings_finds_an_overlap() -> None:
    ten = slot(time(10, 0))
    assert overlapping_bookings(slot(time(10, 30)), [ten], 30) == [ten]
    assert overlapping_bookings(slot(time(9, 30)), [ten], 0) == [ten]


def test_overlapping_bookings_keeps_the_gap_on_both_sides() -> None:
    ten = slot(time(10, 0))
    assert overlapping_bookings(slot(time(11, 29)), [ten], 30) == [ten]
    assert overlapping_bookings(slot(time(8, 31)), [ten], 30) == [ten]
    assert overlapping_bookings(slot(time(11, 30)), [ten], 30) == []
    assert overlapping_bookings(slot(time(8, 30)), [ten], 30) == []


def test_overlapping_bookings_counts_an_untimed_booking_as_the_whole_day() -> None:
    all_day = Slot(DAY, None, 60)
    assert overlapping_bookings(slot(time(16, 0)), [all_day], 0) == [all_day]
    assert overlapping_bookings(Slot(date(2026, 8, 18), time(9, 0), 60), [all_day], 0) == []


def test_overlap_groups_puts_overlapping_slots_together_in_time_order() -> None:
    ten, half_past, eleven_fifteen, two = (
        slot(time(10, 0), 60),
        slot(time(10, 30), 60),
        slot(time(11, 15), 30),
        slot(time(14, 0), 60),
    )
    assert overlap_groups([two, eleven_fifteen, ten, half_past]) == [
        [ten, half_past, eleven_fifteen],
        [two],
    ]


# --- the assessor and the apprentice -------------------------------------------------------


def test_an_overlapping_booking_of_the_assessor_is_refused_naming_the_other(
    sams_observation: Booking, pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    response = post_booking(login(anna), pats, "10:30")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        "Anna Assessor is already booked on Monday 17 August 2026 from 10:00 to 11:00 for the "
        "Practical observation with Q&amp;As of Sam Example" in page
    )
    assert list(Booking.objects.all()) == [sams_observation]


def test_an_overlapping_booking_of_the_apprentice_is_refused(
    pats: Registration,
    past_gateway: Callable[..., Registration],
    aziz: User,
    ivy: User,
    alice: User,
    anna: User,
    login: Callable[[User], Client],
) -> None:
    """Pat is also registered on Excel Me, assessed by Aziz, whom Anna cannot see."""
    approve(aziz, "st0072-excelme")
    excelme = past_gateway(
        "st0072-excelme", apprentice=pats.apprentice, assessor=aziz, iqa=ivy, created_at=REGISTERED
    )
    other = book(excelme, alice, "observation", DAY, time(10, 0))

    as_anna = post_booking(login(anna), pats, "10:45").content.decode()
    assert (
        "Pat Apprentice is already booked on Monday 17 August 2026 from 10:00 to 11:00 for "
        "another assessment" in as_anna
    )
    as_alice = post_booking(login(alice), pats, "10:45").content.decode()
    assert "Pat Apprentice is already booked on Monday 17 August 2026 from 10:00 to 11:00 for " in (
        as_alice
    )
    assert "another assessment" not in as_alice
    assert list(Booking.objects.all()) == [other]


def test_the_gap_between_two_assessments_is_respected(
    sams_observation: Booking, pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    page = post_booking(login(anna), pats, "11:20").content.decode()
    assert "Assessments need at least 30 minutes between them" in page
    assert Booking.objects.count() == 1


def test_touching_with_the_gap_is_allowed(
    sams_observation: Booking, pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    assert post_booking(login(anna), pats, "11:30").status_code == 302
    assert Booking.objects.get(registration=pats).starts_at == time(11, 30)


def test_the_gap_is_a_setting(
    sams_observation: Booking,
    pats: Registration,
    anna: User,
    login: Callable[[User], Client],
    settings: Any,
) -> None:
    settings.BOOKING_GAP_MINUTES = 0
    assert post_booking(login(anna), pats, "11:00").status_code == 302


def test_moving_into_a_clash_is_refused(
    sams_observation: Booking, pats: Registration, anna: User
) -> None:
    mine = book(pats, anna, "observation", date(2026, 8, 24), time(10, 0))
    with pytest.raises(BookingRefused) as refused:
        bookings.move(
            mine,
            anna,
            revision=mine.revision,
            on=DAY,
            starts_at=time(10, 30),
            minutes=[60],
            mode="face_to_face",
            reason="Pat asked for an earlier date",
        )
    assert "Anna Assessor is already booked on Monday 17 August 2026" in refused.value.refusals[0]
    mine.refresh_from_db()
    assert (mine.on, mine.starts_at, mine.revision) == (date(2026, 8, 24), time(10, 0), 1)


def test_a_booking_moved_within_its_own_time_does_not_clash_with_itself(
    pats: Registration, anna: User
) -> None:
    mine = book(pats, anna, "observation", DAY, time(10, 0))
    moved = bookings.move(
        mine,
        anna,
        revision=mine.revision,
        on=DAY,
        starts_at=time(10, 15),
        minutes=[60],
        mode="face_to_face",
        reason="The room is free a little later",
    )
    assert moved.starts_at == time(10, 15)


def test_an_assessor_clash_seen_by_a_provider_names_no_other_apprentice(
    sams_observation: Booking, pats: Registration, bob: User, alice: User
) -> None:
    seen_by_bob = clashes.clash_refusals(pats, bob, on=DAY, starts_at=time(10, 30), minutes=[60])
    assert seen_by_bob == [
        "Anna Assessor is already booked on Monday 17 August 2026 from 10:00 to 11:00 for "
        "another assessment. Assessments need at least 30 minutes between them: choose another "
        "time or day"
    ]
    seen_by_alice = clashes.clash_refusals(
        pats, alice, on=DAY, starts_at=time(10, 30), minutes=[60]
    )
    assert "of Sam Example" in seen_by_alice[0]


# --- calendars -----------------------------------------------------------------------------


def test_the_calendar_feed_never_shows_two_events_in_one_slot(
    sams_observation: Booking, pats: Registration, anna: User, alice: User
) -> None:
    with pytest.raises(BookingRefused):
        book(pats, alice, "observation", DAY, time(10, 30))
    # A clash stored before bookings were checked for one is shown as one event, flagged.
    Booking.objects.create(
        registration=pats,
        method_id="observation",
        on=DAY,
        starts_at=time(10, 30),
        minutes=[60],
        mode="face_to_face",
        assessor=anna,
        booked_by=alice,
        booked_on=GATEWAY,
    )
    timed = [e for e in calendar.feed_events(anna) if e.starts_at is not None]
    assert len(timed) == 1
    assert timed[0].summary.startswith("Double booked: ")
    assert "Sam Example" in timed[0].summary
    assert "Pat Apprentice" in timed[0].summary
    assert timed[0].minutes == 90
