"""What a booking check is given: the plan's dates, the bookings, and the events they date.

A :class:`Plan` holds the dates known for one apprentice and its :class:`Booking` of each
method; :func:`known_events` names the events those dates give (the names rules use, such as
``gateway``, ``assessment:METHOD``, ``first_assessment``); a :class:`Context` bundles the
specification, the plan, its events and the day a check is made. The words the messages use
for modes and events come from :mod:`openepa.rules.labels`, the one place for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from openepa.rules.model import Method, Mode, Specification


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: "Monday 1 June 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- what the caller passes in -----------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """One assessment method booked (or proposed) for a day.

    ``minutes`` holds the planned minutes of each occasion: one number for a single sitting,
    several where the method may be split (Active IQ's observation). ``booked_on`` is the day
    the booking was made, from which notice is counted.
    """

    method: str
    on: date
    booked_on: date
    minutes: tuple[int, ...] = ()
    mode: Mode | None = None

    @property
    def total_minutes(self) -> int:
        """The planned minutes of every occasion added up."""
        return sum(self.minutes)


@dataclass(frozen=True)
class Plan:
    """The dates known for one apprentice's end-point assessment.

    ``window_end`` is the end of the EPA window where the EPAO has recorded one (for example
    after extenuating circumstances); otherwise the window comes from the specification.
    """

    gateway: date
    window_end: date | None = None
    bookings: tuple[Booking, ...] = ()
    registered: date | None = None
    gateway_form_sent: date | None = None
    gateway_evidence_uploaded: date | None = None
    portfolio_submitted: date | None = None
    report_submitted: date | None = None
    project_started: date | None = None
    project_completed: date | None = None
    proposal_rejected: date | None = None
    proposal_resubmitted: date | None = None
    fail_result: date | None = None
    result: date | None = None

    def with_booking(self, booking: Booking) -> Plan:
        """Return this plan with ``booking`` in place of any booking of the same method."""
        others = tuple(b for b in self.bookings if b.method != booking.method)
        return replace(self, bookings=(*others, booking))

    def booking_of(self, method_id: str) -> Booking | None:
        """The booking of one method, if there is one."""
        return next((b for b in self.bookings if b.method == method_id), None)


# --- the events the plan dates -----------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What one check sees: the specification, the plan, its events and the day it is made."""

    spec: Specification
    plan: Plan
    events: Mapping[str, date]
    as_of: date


def spec_method(spec: Specification, method_id: str) -> Method:
    """The method of ``spec`` with this id; ValueError names the methods that exist."""
    for method in spec.methods:
        if method.id == method_id:
            return method
    known = ", ".join(m.id for m in spec.methods)
    raise ValueError(f"{spec.id} has no method '{method_id}'; its methods are {known}")


def known_events(spec: Specification, plan: Plan) -> dict[str, date]:
    """Every event of :data:`openepa.rules.validate.EVENTS` whose date the plan gives.

    The first assessment is the earliest booking; the last assessment is known only once
    every method is booked.
    """
    events: dict[str, date | None] = {
        "gateway": plan.gateway,
        "registration": plan.registered,
        "gateway_form": plan.gateway_form_sent,
        "gateway_evidence": plan.gateway_evidence_uploaded,
        "portfolio_submission": plan.portfolio_submitted,
        "report_submission": plan.report_submitted,
        "project_start": plan.project_started,
        "project_completion": plan.project_completed,
        "proposal_rejection": plan.proposal_rejected,
        "proposal_resubmission": plan.proposal_resubmitted,
        "fail_result": plan.fail_result,
        "result": plan.result,
    }
    for booking in plan.bookings:
        events[f"assessment:{booking.method}"] = booking.on
        events[f"booking:{booking.method}"] = booking.booked_on
    if plan.bookings:
        events["first_assessment"] = min(b.on for b in plan.bookings)
        booked = {b.method for b in plan.bookings}
        if all(m.id in booked for m in spec.methods):
            events["last_assessment"] = max(b.on for b in plan.bookings)
    return {name: day for name, day in events.items() if day is not None}
