"""No double booking: the assessor's and the apprentice's other bookings, locked while checked.

Booking and moving (:mod:`openepa.planning.bookings`) lock the registration's row, then its
assessor's row, then its apprentice's row, always in that order so that two bookings never
wait for each other in a circle. A second booking for the same assessor or apprentice waits
until the first commits and then sees it: two simultaneous bookings of one slot cannot both
pass on PostgreSQL. Whether two bookings clash is the pure rule
:func:`openepa.rules.booking.clashes.overlapping_bookings`, with ``BOOKING_GAP_MINUTES``
between them.

A clash is refused naming the other booking in what the person booking may see: the
apprentice and the method where that registration is in their scope
(:func:`openepa.registration.access.registrations_for`), otherwise only "another assessment"
and its time.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.conf import settings
from django.db.models import Q

from openepa.accounts.models import User
from openepa.kernel import specs
from openepa.planning.models import Booking
from openepa.registration.access import registrations_for
from openepa.registration.models import Apprentice, Registration
from openepa.rules.booking.clashes import Slot, overlapping_bookings, slot_words


def lock_diaries(registration: Registration) -> None:
    """Lock the rows of the registration's assessor and apprentice until the transaction ends."""
    if registration.assessor_id is not None:
        list(User.objects.select_for_update().filter(pk=registration.assessor_id).values("pk"))
    list(Apprentice.objects.select_for_update().filter(pk=registration.apprentice_id).values("pk"))


def slot_of(booking: Booking) -> Slot:
    """The time a stored booking takes."""
    return Slot(
        booking.on, booking.starts_at, sum(int(m) for m in booking.minutes or ()), booking.pk
    )


def nearby_bookings(registration: Registration, on: date, moving: int | None) -> list[Booking]:
    """Live bookings of the registration's assessor or apprentice from the day before to after."""
    same_person = Q(registration__apprentice_id=registration.apprentice_id)
    if registration.assessor_id is not None:
        same_person |= Q(assessor_id=registration.assessor_id)
    found = Booking.objects.filter(
        same_person,
        status=Booking.Status.BOOKED,
        on__range=(on - timedelta(days=1), on + timedelta(days=1)),
    )
    if moving is not None:
        found = found.exclude(pk=moving)
    return list(
        found.select_related(
            "assessor", "registration__apprentice", "registration__specification"
        ).order_by("on", "starts_at", "pk")
    )


def clash_refusals(
    registration: Registration,
    viewer: User,
    *,
    on: date,
    starts_at: time | None,
    minutes: list[int],
    moving: int | None = None,
) -> list[str]:
    """Why the proposed time clashes with another booking of the assessor or the apprentice.

    ``moving`` is the booking being moved (it does not clash with itself). Empty when the
    time is free, with the gap kept on both sides.
    """
    nearby = {b.pk: b for b in nearby_bookings(registration, on, moving)}
    if not nearby:
        return []
    proposed = Slot(on, starts_at, sum(minutes))
    gap = settings.BOOKING_GAP_MINUTES
    clashing = [
        nearby[slot.ref]
        for slot in overlapping_bookings(proposed, [slot_of(b) for b in nearby.values()], gap)
    ]
    if not clashing:
        return []
    visible = set(
        registrations_for(viewer)
        .filter(pk__in={b.registration_id for b in clashing})
        .values_list("pk", flat=True)
    )
    return [
        clash_message(registration, other, other.registration_id in visible, gap)
        for other in clashing
    ]


def clash_message(registration: Registration, other: Booking, visible: bool, gap: int) -> str:
    """The refusal naming the other booking: the apprentice and method only if ``visible``."""
    same_apprentice = other.registration.apprentice_id == registration.apprentice_id
    same_assessor = other.assessor_id == registration.assessor_id
    apprentice = registration.apprentice.full_name
    if same_apprentice and same_assessor:
        who = f"{apprentice} and {other.assessor.full_name} are"
    elif same_apprentice:
        who = f"{apprentice} is"
    else:
        who = f"{other.assessor.full_name} is"
    if not visible:
        what = "another assessment"
    else:
        what = f"the {method_name(other)}"
        if not same_apprentice:
            what += f" of {other.registration.apprentice.full_name}"
    advice = (
        f"Assessments need at least {gap} minutes between them: choose another time or day"
        if gap
        else "Choose another time or day"
    )
    return f"{who} already booked on {slot_words(slot_of(other))} for {what}. {advice}"


def method_name(booking: Booking) -> str:
    """The booked method's name in its specification's words."""
    spec = specs.specification_of(booking.registration)
    return next((m.name for m in spec.methods if m.id == booking.method_id), "assessment")
