"""The EPA timeline of one apprentice and the EPAO's at-risk list.

Every date comes from the specification's rules (:mod:`openepa.rules.booking`) applied to
the apprentice's plan (its submission dates taken from the evidence where OpenEPA holds it:
:mod:`openepa.planning.evidence`): the gateway, the EPA window, the submission deadlines, the
bookings and the results due. Each is marked done, due or overdue on :func:`today` (the one
place this module asks the clock, replaced in tests) and says which rule produced it.

The at-risk list selects its candidate apprentices in the database (windows ending soon with
methods unbooked, submissions overdue, bookings recorded with warnings, results past due), so
the page's queries do not grow with the number of apprentices; the rules then run only on the
25 rows of the page shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from openepa.accounts.models import User
from openepa.kernel import clock, specs
from openepa.planning import evidence
from openepa.planning.models import AssessmentPlan, Booking
from openepa.registration.models import Registration
from openepa.rules.booking import context as booking_context
from openepa.rules.booking.checks import check_plan
from openepa.rules.booking.context import long_date
from openepa.rules.booking.deadlines import deadlines
from openepa.rules.booking.ranges import window_end
from openepa.rules.dates import shift
from openepa.rules.labels import method_name
from openepa.rules.model import Specification
from openepa.specifications.models import SpecificationRecord

Status = Literal["done", "due", "overdue"]

# The plan's recorded dates, by the rules' event names.
PLAN_FIELDS: dict[str, str] = {
    "gateway_form": "gateway_form_sent_on",
    "gateway_evidence": "gateway_evidence_uploaded_on",
    "portfolio_submission": "portfolio_submitted_on",
    "report_submission": "report_submitted_on",
    "project_start": "project_started_on",
    "project_completion": "project_completed_on",
}


def live_bookings(registration: Registration) -> list[Booking]:
    """The registration's bookings that stand (not cancelled), in date order."""
    return list(
        registration.bookings.filter(status=Booking.Status.BOOKED)
        .select_related("assessor")
        .order_by("on", "pk")
    )


def plan_for(
    registration: Registration,
    assessment_plan: AssessmentPlan | None,
    bookings: Iterable[Booking],
    *,
    evidenced: Mapping[str, evidence.Evidenced],
) -> booking_context.Plan | None:
    """The rules' view of one apprentice's dates; None before the gateway is dated.

    Submission dates come from ``evidenced`` (:func:`openepa.planning.evidence.evidence_dates`)
    where the evidence gives them, otherwise from the plan.
    """
    if registration.gateway_date is None:
        return None
    dates = evidence.known_dates(assessment_plan, evidenced, PLAN_FIELDS.values())
    recorded = {name.removesuffix("_on"): day for name, day in dates.items()}
    return booking_context.Plan(
        gateway=registration.gateway_date,
        window_end=registration.epa_window_end,
        bookings=tuple(
            booking_context.Booking(
                method=b.method_id,
                on=b.on,
                booked_on=b.booked_on,
                minutes=tuple(int(m) for m in b.minutes or ()),
                mode=b.mode or None,  # type: ignore[arg-type]
            )
            for b in bookings
            if b.status == Booking.Status.BOOKED
        ),
        **recorded,
    )


def plan_of(registration: Registration) -> AssessmentPlan | None:
    """The registration's assessment plan, if one has been recorded."""
    return AssessmentPlan.objects.filter(registration=registration).first()


@dataclass(frozen=True)
class Entry:
    """One date on the timeline."""

    date: dt.date
    name: str
    status: Status
    produced_by: str
    limit: str = ""
    quote: str = ""
    place: str = ""
    done_on: dt.date | None = None
    booking: Booking | None = None

    @property
    def status_label(self) -> str:
        """The status in words."""
        return {"done": "Done", "due": "Due", "overdue": "Overdue"}[self.status]


def _status(day: date, done_on: date | None, limit: str, on: date) -> Status:
    """Done once the thing has happened (a booking in the future is not done yet)."""
    if done_on is not None and done_on <= on:
        return "done"
    if limit == "by" and day < on:
        return "overdue"
    return "due"


def entries(
    spec: Specification, plan: booking_context.Plan, bookings: Sequence[Booking], on: date
) -> list[Entry]:
    """Every date of the timeline on day ``on``, in date order."""
    found = [
        Entry(
            date=plan.gateway,
            name="Gateway accepted",
            status="done",
            produced_by="gateway: the day the EPAO accepted the gateway",
            done_on=plan.gateway,
        )
    ]
    for deadline in deadlines(spec, plan):
        found.append(
            Entry(
                date=deadline.date,
                name=deadline.name,
                status=_status(deadline.date, deadline.done_on, deadline.limit, on),
                produced_by=deadline.produced_by,
                limit="by" if deadline.limit == "by" else "from",
                quote=(deadline.source.quote or "") if deadline.source else "",
                place=deadline.source.place if deadline.source else "",
                done_on=deadline.done_on,
            )
        )
    for booking in bookings:
        found.append(
            Entry(
                date=booking.on,
                name=f"{method_name(spec, booking.method_id)} booked",
                status="done" if booking.on < on else "due",
                produced_by=(
                    f"booking: booked on {long_date(booking.booked_on)}"
                    f" with {booking.assessor.full_name}"
                ),
                done_on=booking.on if booking.on < on else None,
                booking=booking,
            )
        )
    return sorted(found, key=lambda e: (e.date, e.booking is None, e.name))


def timeline(registration: Registration, on: date | None = None) -> list[Entry]:
    """The timeline of one registration on day ``on`` (default today); empty before gateway."""
    bookings = live_bookings(registration)
    plan = plan_for(
        registration, plan_of(registration), bookings, evidenced=evidence.dates_of(registration)
    )
    if plan is None:
        return []
    spec, _ = specs.rules_of(registration)
    return entries(spec, plan, bookings, on or clock.today())


# --- the at-risk list --------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskFilters:
    """What the EPAO admin asked the at-risk list for."""

    days: int = 30
    provider: int | None = None
    assessor: int | None = None
    specification: str | None = None
    window_ends_by: date | None = None


def _result_cutoff(spec: Specification, on: date) -> date | None:
    """The last assessment day whose result is past due on ``on``, for a result rule."""
    rule = next(
        (
            r
            for r in spec.time_rules
            if r.event == "result" and r.after == "last_assessment" and r.at_most is not None
        ),
        None,
    )
    if rule is None or rule.at_most is None:
        return None
    return shift(on, rule.at_most.unit, -rule.at_most.value) - timedelta(days=1)


def _submission_overdue(spec: Specification, on: date) -> Q:
    """Registrations with a submission this specification requires before a booked day, missed."""
    condition = Q(pk__in=[])
    for rule in spec.time_rules:
        field = PLAN_FIELDS.get(rule.event)
        if field is None:
            continue
        not_recorded = (Q(plan__isnull=True) | Q(**{f"plan__{field}__isnull": True})) & ~(
            evidence.evidence_given(field)
        )
        if rule.after == "gateway" and rule.at_most is not None:
            # Due a time after gateway: overdue once that time has passed since gateway.
            passed = shift(on, rule.at_most.unit, -rule.at_most.value)
            condition |= Q(gateway_date__lt=passed) & not_recorded
            continue
        amount = rule.at_least
        if rule.before is None or amount is None:
            continue
        # The deadline (the booked day minus the amount) has passed when the booked day is
        # before today plus the amount.
        latest_day = shift(on, amount.unit, amount.value) - timedelta(days=1)
        kind, _, method_id = rule.before.partition(":")
        booked = Booking.objects.filter(
            registration=OuterRef("pk"), status=Booking.Status.BOOKED, on__lte=latest_day
        )
        if kind == "assessment":
            booked = booked.filter(method_id=method_id)
        elif kind != "first_assessment":
            continue
        condition |= Exists(booked) & not_recorded
    return condition


def at_risk(user: User, filters: AtRiskFilters, on: date | None = None) -> QuerySet[Registration]:
    """The EPAO's apprentices at risk, window ending soonest first, filtered in the database.

    A candidate's gateway is accepted and either its window ends within ``filters.days`` days
    (or has ended) with fewer methods booked than the specification has, or a submission a
    booked method needs is overdue, or a booking was made with warnings, or a result is past
    due. The rules then explain each row (:func:`reasons`).
    """
    on = on or clock.today()
    base = (
        Registration.objects.filter(
            epao_id=user.epao_id,
            status=Registration.Status.GATEWAY_ACCEPTED,
            gateway_date__isnull=False,
        )
        if user.role == User.Role.EPAO_ADMIN
        else Registration.objects.none()
    )
    if filters.provider:
        base = base.filter(provider_id=filters.provider)
    if filters.assessor:
        base = base.filter(assessor_id=filters.assessor)
    if filters.specification:
        base = base.filter(specification__spec_id=filters.specification)
    if filters.window_ends_by:
        base = base.filter(epa_window_end__lte=filters.window_ends_by)
    live = Q(bookings__status=Booking.Status.BOOKED)
    base = base.annotate(
        booked_methods=Count("bookings", filter=live, distinct=True),
        last_booked=Max("bookings__on", filter=live),
    )
    soon = on + timedelta(days=filters.days)
    warned = Exists(
        Booking.objects.filter(registration=OuterRef("pk"), status=Booking.Status.BOOKED).exclude(
            warnings=[]
        )
    )
    condition: Q = Q(warned)
    for record in SpecificationRecord.objects.filter(
        pk__in=base.values("specification_id").order_by().distinct()
    ):
        spec, _ = specs.rules_of_record(record)
        methods = len(spec.methods)
        mine = Q(specification_id=record.pk)
        risk = Q(epa_window_end__lte=soon, booked_methods__lt=methods)
        risk |= _submission_overdue(spec, on)
        cutoff = _result_cutoff(spec, on)
        if cutoff is not None:
            risk |= Q(booked_methods__gte=methods, last_booked__lte=cutoff)
        condition |= mine & risk
    return (
        base.filter(condition)
        .select_related("apprentice", "provider", "employer", "specification", "assessor")
        .order_by("epa_window_end", "apprentice__family_name", "pk")
    )


@dataclass(frozen=True)
class Row:
    """One apprentice on the at-risk list, with why."""

    registration: Registration
    reasons: list[str]
    window_end: date | None


def rows(registrations: Sequence[Registration], on: date | None = None) -> list[Row]:
    """The reasons for each of a page's registrations (a fixed number of queries a page)."""
    on = on or clock.today()
    ids = [r.pk for r in registrations]
    plans = {p.registration_id: p for p in AssessmentPlan.objects.filter(registration_id__in=ids)}
    evidenced = evidence.evidence_dates(ids)
    by_registration: dict[int, list[Booking]] = {pk: [] for pk in ids}
    for booking in (
        Booking.objects.filter(registration_id__in=ids, status=Booking.Status.BOOKED)
        .select_related("assessor")
        .order_by("on", "pk")
    ):
        by_registration[booking.registration_id].append(booking)
    found = []
    for registration in registrations:
        bookings = by_registration[registration.pk]
        plan = plan_for(
            registration, plans.get(registration.pk), bookings, evidenced=evidenced[registration.pk]
        )
        spec, _ = specs.rules_of(registration)
        found.append(_row(registration, spec, plan, bookings, on))
    return found


def _row(
    registration: Registration,
    spec: Specification,
    plan: booking_context.Plan | None,
    bookings: Sequence[Booking],
    on: date,
) -> Row:
    if plan is None:
        return Row(registration, [], registration.epa_window_end)
    reasons: list[str] = []
    end = window_end(spec, plan)
    booked = {b.method_id for b in bookings}
    unbooked = [m.name for m in spec.methods if m.id not in booked]
    if unbooked and end is not None:
        when = "ended" if end < on else "ends"
        reasons.append(
            f"EPA window {when} on {long_date(end)} with {', '.join(unbooked)} not booked."
        )
    for deadline in deadlines(spec, plan):
        if deadline.limit == "by" and deadline.done_on is None and deadline.date < on:
            if deadline.event == "last_assessment":
                continue
            what = "Result past due" if deadline.event == "result" else "Overdue"
            reasons.append(
                f"{what}: {deadline.name}, due by {long_date(deadline.date)}"
                f" ({deadline.produced_by})."
            )
    for finding in check_plan(spec, plan, on):
        if finding.severity == "refusal" or finding.method is not None:
            label = "Refused by a rule" if finding.severity == "refusal" else "Warning"
            reasons.append(f"{label}: {finding.name}. {finding.message}")
    for booking in bookings:
        for warning in booking.warnings or ():
            text = warning.get("message", "") if isinstance(warning, dict) else str(warning)
            if text:
                reasons.append(f"Booked with a warning: {text}")
    return Row(registration, list(dict.fromkeys(reasons)), end)
