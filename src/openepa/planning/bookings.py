"""The bookings of each method: add, move and cancel, and the checks a booking must pass.

Bookings are checked against the specification's rules
(:func:`openepa.rules.booking.checks.check_booking`, reading the dates of
:func:`rules_plan`) and the assessor's approval and availability on the day
(:func:`assessor_problem`); a refusal saves nothing, a warning must be confirmed. A booking is
moved or cancelled with a reason, never deleted: each change keeps a :class:`BookingChange`.

Every change is audited with its old and new values; bookings change by compare-and-swap on
``revision`` so two people never overwrite each other's work.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from openepa.accounts.models import User
from openepa.kernel import clock, events, specs
from openepa.planning.conflicts import apprenticeship_of
from openepa.planning.events import BookingMade, BookingMoved
from openepa.planning.models import (
    AssessmentPlan,
    AssessorProfile,
    Booking,
    BookingChange,
    Relationship,
)
from openepa.planning.plans import SUBMISSIONS, audit_change, plan_of
from openepa.planning.services import PlanningRefused, RecordChanged
from openepa.registration.models import Registration
from openepa.rules import allocation
from openepa.rules.booking import context as booking_context
from openepa.rules.booking.checks import check_booking
from openepa.rules.booking.context import long_date
from openepa.rules.booking.findings import Finding
from openepa.rules.dates import is_working_day
from openepa.rules.model import Specification


class BookingRefused(PlanningRefused):
    """A booking the rules refuse, or whose warnings the user has not yet confirmed."""

    def __init__(self, refusals: list[str], warnings: list[str]) -> None:
        super().__init__("; ".join(refusals or warnings))
        self.refusals = refusals
        self.warnings = warnings


# --- what a booking is checked against --------------------------------------------------


def live_bookings(registration: Registration) -> list[Booking]:
    """The registration's live bookings with their assessor, by date."""
    return list(
        Booking.objects.filter(registration=registration, status=Booking.Status.BOOKED)
        .select_related("assessor")
        .order_by("on", "pk")
    )


def rules_plan(
    registration: Registration,
    plan: AssessmentPlan | None,
    bookings: list[Booking],
    submissions: dict[str, date | None] | None = None,
) -> booking_context.Plan:
    """The dates known for the apprentice, as the booking rules read them."""
    if registration.gateway_date is None:
        raise PlanningRefused(
            "The gateway has not been accepted yet: methods are booked after the gateway"
        )
    dates = {name: getattr(plan, name) if plan else None for name in SUBMISSIONS}
    dates.update(submissions or {})
    return booking_context.Plan(
        gateway=registration.gateway_date,
        window_end=registration.epa_window_end,
        registered=timezone.localdate(registration.created_at),
        bookings=tuple(
            booking_context.Booking(
                method=b.method_id,
                on=b.on,
                booked_on=b.booked_on,
                minutes=tuple(b.minutes),
                mode=b.mode or None,  # type: ignore[arg-type]
            )
            for b in bookings
        ),
        gateway_form_sent=dates["gateway_form_sent_on"],
        gateway_evidence_uploaded=dates["gateway_evidence_uploaded_on"],
        portfolio_submitted=dates["portfolio_submitted_on"],
        report_submitted=dates["report_submitted_on"],
        project_started=dates["project_started_on"],
        project_completed=dates["project_completed_on"],
    )


def assessor_problem(registration: Registration, assessor: User | None, day: date) -> str | None:
    """Why the assessor cannot assess the apprentice on ``day``, or None if they can."""
    if assessor is None:
        return "No assessor is allocated to this apprentice: allocate one before booking"
    profile = (
        AssessorProfile.objects.filter(user=assessor)
        .prefetch_related(
            "unavailable_periods",
            Prefetch(
                "relationships",
                queryset=Relationship.objects.filter(removed_at__isnull=True).select_related(
                    "organisation"
                ),
                to_attr="active_relationships",
            ),
        )
        .first()
    )
    name = assessor.full_name
    if profile is None or registration.specification.spec_id not in profile.approved_specs:
        return (
            f"{name} is not approved for the specification {registration.specification.spec_id}: "
            "allocate an approved assessor or update their profile"
        )
    declared = [
        allocation.Declared(
            party=r.party,
            target=r.uln if r.party == allocation.Party.APPRENTICE else r.organisation_id or 0,
            description=r.description,
        )
        for r in profile.active_relationships
    ]
    independence = allocation.independence_problems(apprenticeship_of(registration), declared)
    if independence:
        return f"{name} cannot assess this apprentice. {independence[0]}: allocate another assessor"
    if not is_working_day(day):
        return (
            f"{long_date(day)} is not a working day (a weekend or bank holiday): choose another day"
        )
    if day.weekday() not in profile.working_days:
        return f"{name} does not work on {day:%A}s: choose a day they work"
    for period in profile.unavailable_periods.all():
        if period.first_day <= day <= period.last_day:
            return (
                f"{name} is unavailable from {long_date(period.first_day)} to "
                f"{long_date(period.last_day)}: choose another day"
            )
    return None


def _check(
    registration: Registration,
    spec: Specification,
    proposed: booking_context.Booking,
    others: list[Booking],
    submissions: dict[str, date | None] | None,
    confirmed: bool,
) -> list[Finding]:
    """Refuse a booking that breaks a rule; refuse unconfirmed warnings. Returns the warnings."""
    plan = plan_of(registration)
    findings = check_booking(spec, rules_plan(registration, plan, others, submissions), proposed)
    refusals = [f.message for f in findings if f.severity == "refusal"]
    problem = assessor_problem(registration, registration.assessor, proposed.on)
    if problem:
        refusals.append(problem)
    warnings = [f for f in findings if f.severity == "warning"]
    if refusals or (warnings and not confirmed):
        raise BookingRefused(refusals, [w.message for w in warnings])
    return warnings


# --- add, move, cancel ------------------------------------------------------------------


def _save_submissions(
    registration: Registration, actor: User, submissions: dict[str, date | None]
) -> None:
    """Record changed submission dates on the plan (creating it if need be), audited."""
    plan, _ = AssessmentPlan.objects.select_for_update().get_or_create(registration=registration)
    changes = {
        name: (getattr(plan, name), value)
        for name, value in submissions.items()
        if getattr(plan, name) != value
    }
    if not changes:
        return
    for name, (_, value) in changes.items():
        setattr(plan, name, value)
    plan.revision += 1
    plan.updated_at = clock.now()
    plan.save()
    audit_change(
        actor,
        registration,
        plan,
        "planning.submissions_recorded",
        f"Submission dates of {registration.apprentice.full_name} recorded",
        changes=changes,
    )


@transaction.atomic
def book(
    registration: Registration,
    actor: User,
    *,
    method_id: str,
    on: date,
    starts_at: time | None,
    minutes: list[int],
    mode: str,
    submissions: dict[str, date | None],
    confirmed: bool = False,
) -> Booking:
    """Book one method for the allocated assessor, if every rule allows it.

    Refused with :class:`BookingRefused` (nothing saved) when a rule refuses it or the
    assessor cannot assess that day, or when warnings were not confirmed.
    """
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("apprentice", "specification", "assessor", "epao")
        .get(pk=registration.pk)
    )
    spec = specs.specification_of(registration)
    method = next((m for m in spec.methods if m.id == method_id), None)
    if method is None:
        raise PlanningRefused("Choose a method from the list", field="method")
    others = live_bookings(registration)
    if any(b.method_id == method_id for b in others):
        raise PlanningRefused(
            f"The {method.name} is already booked: move that booking instead", field="method"
        )
    proposed = booking_context.Booking(
        method=method_id,
        on=on,
        booked_on=clock.today(),
        minutes=tuple(minutes),
        mode=mode,  # type: ignore[arg-type]
    )
    warnings = _check(registration, spec, proposed, others, submissions, confirmed)
    _save_submissions(registration, actor, submissions)
    assert registration.assessor is not None
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                registration=registration,
                method_id=method_id,
                on=on,
                starts_at=starts_at,
                minutes=minutes,
                mode=mode,
                assessor=registration.assessor,
                booked_by=actor,
                booked_on=proposed.booked_on,
                warnings=[w.message for w in warnings],
            )
    except IntegrityError:  # pragma: no cover (the registration row is locked)
        raise PlanningRefused(f"The {method.name} is already booked: reload the page") from None
    audit_change(
        actor,
        registration,
        booking,
        "planning.booked",
        f"{method.name} booked for {long_date(on)}",
        changes={
            "on": (None, on.isoformat()),
            "starts_at": (None, starts_at.isoformat() if starts_at else None),
            "minutes": (None, minutes),
            "mode": (None, mode),
            "assessor": (None, registration.assessor.full_name),
            "warnings accepted": (None, [w.message for w in warnings]),
        },
    )
    events.publish(BookingMade(booking))
    return booking


def _locked_booking(booking: Booking, revision: int) -> Booking:
    fresh = Booking.objects.select_for_update().get(pk=booking.pk)
    if fresh.revision != revision or fresh.status != Booking.Status.BOOKED:
        raise RecordChanged(
            "Someone else changed or cancelled this booking while you were working on it: "
            "check it below and try again"
        )
    return fresh


@transaction.atomic
def move(
    booking: Booking,
    actor: User,
    *,
    revision: int,
    on: date,
    starts_at: time | None,
    minutes: list[int],
    mode: str,
    reason: str,
    confirmed: bool = False,
) -> Booking:
    """Move a booking for extenuating circumstances: the same rules run on the new date.

    The old and new values are kept in a :class:`BookingChange` and audited.
    """
    if not reason.strip():
        raise PlanningRefused("Enter the reason the booking is moved", field="reason")
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("apprentice", "specification", "assessor", "epao")
        .get(pk=booking.registration_id)
    )
    fresh = _locked_booking(booking, revision)
    spec = specs.specification_of(registration)
    others = [b for b in live_bookings(registration) if b.pk != fresh.pk]
    proposed = booking_context.Booking(
        method=fresh.method_id,
        on=on,
        booked_on=clock.today(),
        minutes=tuple(minutes),
        mode=mode,  # type: ignore[arg-type]
    )
    warnings = _check(registration, spec, proposed, others, None, confirmed)
    change = BookingChange.objects.create(
        booking=fresh,
        changed_by=actor,
        old_on=fresh.on,
        new_on=on,
        old_minutes=fresh.minutes,
        new_minutes=minutes,
        old_mode=fresh.mode,
        new_mode=mode,
        reason=reason,
    )
    changes: dict[str, tuple[Any, Any]] = {
        "on": (fresh.on.isoformat(), on.isoformat()),
        "starts_at": (
            fresh.starts_at.isoformat() if fresh.starts_at else None,
            starts_at.isoformat() if starts_at else None,
        ),
        "minutes": (fresh.minutes, minutes),
        "mode": (fresh.mode, mode),
    }
    assert registration.assessor is not None
    if fresh.assessor_id != registration.assessor_id:
        changes["assessor"] = (str(fresh.assessor), registration.assessor.full_name)
        fresh.assessor = registration.assessor
    fresh.on, fresh.starts_at, fresh.minutes, fresh.mode = on, starts_at, minutes, mode
    fresh.warnings = [w.message for w in warnings]
    fresh.revision += 1
    fresh.save()
    audit_change(
        actor,
        registration,
        fresh,
        "planning.booking_moved",
        f"Booking moved from {long_date(change.old_on)} to {long_date(on)}",
        changes=changes,
        reason=reason,
    )
    fresh.registration = registration
    events.publish(BookingMoved(fresh, old_on=change.old_on, reason=reason))
    return fresh


@transaction.atomic
def cancel(booking: Booking, actor: User, *, revision: int, reason: str) -> Booking:
    """Cancel a booking with a reason; it is kept, with a :class:`BookingChange`."""
    if not reason.strip():
        raise PlanningRefused("Enter the reason the booking is cancelled", field="reason")
    fresh = _locked_booking(booking, revision)
    BookingChange.objects.create(
        booking=fresh,
        changed_by=actor,
        old_on=fresh.on,
        new_on=None,
        old_minutes=fresh.minutes,
        old_mode=fresh.mode,
        reason=reason,
    )
    fresh.status = Booking.Status.CANCELLED
    fresh.revision += 1
    fresh.save()
    audit_change(
        actor,
        booking.registration,
        fresh,
        "planning.booking_cancelled",
        f"Booking on {long_date(fresh.on)} cancelled",
        changes={"status": (Booking.Status.BOOKED, Booking.Status.CANCELLED)},
        reason=reason,
    )
    events.publish(BookingMoved(fresh, old_on=fresh.on, reason=reason, cancelled=True))
    return fresh
