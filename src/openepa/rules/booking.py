"""Booking rules: whether a planned assessment keeps to the specification's dates and limits.

Everything here is computed from a :class:`~openepa.rules.model.Specification` and a
:class:`Plan` (the dates known for one apprentice); nothing imports Django and nothing reads
the clock: the day a check is made is always passed in.

A time rule reads "EVENT at least/at most AMOUNT before/after ANCHOR". It gives the event an
allowed range: ``at least 2 weeks before X`` means on or before X minus 2 weeks; ``at most 3
months after X`` means from X up to and including X plus 3 months; an ``after`` rule without an
amount means on or after the anchor. Exactly at the limit is allowed. Working days skip
weekends and England's bank holidays (:mod:`openepa.rules.dates`).

Each rule is one function below; its docstring is the message shown to the user, filled in
with the source's words (the rule's ``source.quote``, or its name where the source gives no
words) and the dates. Every finding and every deadline says which rule produced its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Literal

from openepa.rules.dates import describe, shift
from openepa.rules.model import Amount, Duration, Method, Mode, Source, Specification, TimeRule

Severity = Literal["refusal", "warning"]

MODE_WORDS: dict[str, str] = {
    "face_to_face": "face to face",
    "remote": "remote",
    "recorded": "recorded",
}

EVENT_WORDS: dict[str, str] = {
    "registration": "registration for end-point assessment",
    "on_programme_end": "end of the on-programme period",
    "gateway": "gateway",
    "gateway_form": "gateway form",
    "gateway_evidence": "gateway evidence",
    "first_assessment": "first assessment",
    "last_assessment": "last assessment",
    "result": "result",
    "booking_request": "booking request",
    "booking_confirmation": "booking confirmation",
    "portfolio_submission": "portfolio of evidence",
    "report_submission": "project report",
    "project_start": "start of the project",
    "project_completion": "completion of the project",
    "proposal_rejection": "rejection of the project proposal",
    "proposal_resubmission": "revised project proposal",
    "fail_result": "fail result",
    "reassessment": "resit or retake",
    "project_rework": "reworked project",
}


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


# --- what comes back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A rule a booking or plan breaks: what is wrong, how to fix it, and the date involved.

    ``rule`` is the time rule's id, or ``order:METHOD``, ``duration:METHOD``,
    ``mode:METHOD``, ``after-gateway`` for the rules OpenEPA reads from the methods.
    ``produced_by`` says which rule produced ``date``.
    """

    rule: str
    name: str
    severity: Severity
    message: str
    date: dt.date | None
    produced_by: str
    method: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Deadline:
    """A date a rule produces, for the timeline.

    ``limit`` says whether the event must happen ``by`` the date or ``from`` it. ``done_on``
    is the day the event happened, where it is known.
    """

    rule: str
    name: str
    event: str
    date: dt.date
    limit: Literal["by", "from"]
    produced_by: str
    source: Source | None = None
    done_on: dt.date | None = None
    method: str | None = None


# --- events and ranges -------------------------------------------------------------------


def _method(spec: Specification, method_id: str) -> Method:
    for method in spec.methods:
        if method.id == method_id:
            return method
    known = ", ".join(m.id for m in spec.methods)
    raise ValueError(f"{spec.id} has no method '{method_id}'; its methods are {known}")


def event_words(spec: Specification, event: str) -> str:
    """An event in words: "project report", "Practical observation", "booking of ..."."""
    kind, _, method_id = event.partition(":")
    if method_id:
        name = _method(spec, method_id).name
        return name if kind == "assessment" else f"booking of the {name}"
    return EVENT_WORDS.get(event, event.replace("_", " "))


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


@dataclass(frozen=True)
class _Range:
    """The days a time rule allows for its event, given its anchor's date."""

    rule: TimeRule
    anchor: date
    earliest: date | None
    latest: date | None

    @property
    def amount(self) -> Amount | None:
        return self.rule.at_least or self.rule.at_most


def _range(rule: TimeRule, anchor: date) -> _Range:
    """The allowed range of a rule's event (see the module docstring)."""
    amount = rule.at_least or rule.at_most
    if rule.before is not None:
        if amount is None:
            return _Range(rule, anchor, None, anchor)
        limit = shift(anchor, amount.unit, -amount.value)
        if rule.at_least is not None:
            return _Range(rule, anchor, None, limit)
        return _Range(rule, anchor, limit, anchor)
    if amount is None:
        return _Range(rule, anchor, anchor, None)
    limit = shift(anchor, amount.unit, amount.value)
    if rule.at_least is not None:
        return _Range(rule, anchor, limit, None)
    return _Range(rule, anchor, anchor, limit)


def _anchor(rule: TimeRule) -> str:
    return rule.before if rule.before is not None else str(rule.after)


def _produced_by(rule: TimeRule) -> str:
    return f"{rule.id}: {rule.name}"


def _quote(source: Source | None, fallback: str) -> str:
    words = source.quote if source is not None and source.quote else fallback
    words = words.strip()
    return words if words.endswith((".", "!", "?")) else f"{words}."


def _amount_words(rule: TimeRule) -> str:
    amount = rule.at_least or rule.at_most
    if amount is None:
        return ""
    qualifier = "at least" if rule.at_least is not None else "at most"
    return f"{qualifier} {describe(amount.unit, amount.value)}"


def _message(rule_function: Callable[..., object], **values: object) -> str:
    """Fill the message of a rule function (its docstring after the summary) with values."""
    body = (rule_function.__doc__ or "").split("\n\n", 1)[-1]
    template = " ".join(body.split())
    return template.format(**values)


# --- the time rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    spec: Specification
    plan: Plan
    events: Mapping[str, date]
    as_of: date


def outside_epa_window(
    context: _Context, booking: Booking, end: date, rule: TimeRule | None
) -> Finding | None:
    """Refuse an assessment booked after the EPA window ends.

    {quote} The {method} is booked for {day}, after the EPA window ends on {limit}
    ({produced}). Book it for {limit} or earlier, or record extenuating circumstances
    that extend the window.
    """
    if booking.on <= end:
        return None
    method = _method(context.spec, booking.method)
    from_rule = rule if context.plan.window_end is None else None
    if from_rule is not None:
        gateway = long_date(context.plan.gateway)
        produced = f"{describe_amount(from_rule)} after gateway on {gateway}"
    else:
        produced = "the window recorded for this apprentice"
    return Finding(
        rule=from_rule.id if from_rule is not None else "epa-window",
        name=from_rule.name if from_rule is not None else "EPA window",
        severity="refusal",
        message=_message(
            outside_epa_window,
            quote=_quote(from_rule.source, from_rule.name) if from_rule is not None else "",
            method=method.name,
            day=long_date(booking.on),
            limit=long_date(end),
            produced=produced,
        ).strip(),
        date=end,
        produced_by=(
            _produced_by(from_rule)
            if from_rule is not None
            else "epa-window: the EPA window end recorded for this apprentice"
        ),
        method=booking.method,
        source=from_rule.source if from_rule is not None else None,
    )


def describe_amount(rule: TimeRule) -> str:
    """A rule's amount in words, without its qualifier: "3 months"."""
    amount = rule.at_least or rule.at_most
    return describe(amount.unit, amount.value) if amount is not None else ""


def before_gateway(context: _Context, booking: Booking) -> Finding | None:
    """Refuse an assessment booked before gateway.

    End-point assessment follows the gateway. The {method} is booked for {day}, before
    gateway on {gateway}. Book it for {gateway} or later.
    """
    if booking.on >= context.plan.gateway:
        return None
    method = _method(context.spec, booking.method)
    return Finding(
        rule="after-gateway",
        name="Assessment after gateway",
        severity="refusal",
        message=_message(
            before_gateway,
            method=method.name,
            day=long_date(booking.on),
            gateway=long_date(context.plan.gateway),
        ),
        date=context.plan.gateway,
        produced_by="after-gateway: end-point assessment follows the gateway",
        method=booking.method,
    )


def short_notice(context: _Context, allowed: _Range, method_id: str) -> Finding | None:
    """Refuse a booking made with less notice than the rule gives.

    {quote} The {method} on {day} was booked on {booked_on}, which gives less than
    {amount}' notice: it needed booking by {limit}. Book it for {earliest} or later.
    """
    booked_on = context.events.get(allowed.rule.event)
    if booked_on is None or allowed.latest is None or booked_on <= allowed.latest:
        return None
    rule, amount = allowed.rule, allowed.amount
    assert amount is not None
    earliest = _earliest_with_notice(booked_on, amount)
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity="refusal",
        message=_message(
            short_notice,
            quote=_quote(rule.source, rule.name),
            method=_method(context.spec, method_id).name,
            day=long_date(allowed.anchor),
            booked_on=long_date(booked_on),
            amount=describe(amount.unit, amount.value),
            limit=long_date(allowed.latest),
            earliest=long_date(earliest),
        ),
        date=allowed.latest,
        produced_by=_produced_by(rule),
        method=method_id,
        source=rule.source,
    )


def _earliest_with_notice(booked_on: date, amount: Amount) -> date:
    """The first day whose notice period, counted back, starts on or after ``booked_on``."""
    day = shift(booked_on, amount.unit, amount.value)
    while shift(day, amount.unit, -amount.value) < booked_on:
        day += timedelta(days=1)
    return day


def too_late(context: _Context, allowed: _Range, method_id: str | None) -> Finding | None:
    """Refuse an event recorded after the latest day its rule allows.

    {quote} The {event} is recorded on {day}, after {limit}, the last day allowed
    ({amount} {relation} the {anchor} on {anchor_day}). {fix}
    """
    rule = allowed.rule
    day = context.events.get(rule.event)
    if day is None or allowed.latest is None or day <= allowed.latest:
        return None
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity="refusal",
        message=_message(
            too_late,
            quote=_quote(rule.source, rule.name),
            event=event_words(context.spec, rule.event),
            day=long_date(day),
            limit=long_date(allowed.latest),
            amount=_amount_words(rule) or "no later than",
            relation="before" if rule.before is not None else "after",
            anchor=event_words(context.spec, _anchor(rule)),
            anchor_day=long_date(allowed.anchor),
            fix=_fix_late(context.spec, allowed),
        )
        .replace("no later than before", "before")
        .replace("no later than after", "after"),
        date=allowed.latest,
        produced_by=_produced_by(rule),
        method=method_id,
        source=rule.source,
    )


def _fix_late(spec: Specification, allowed: _Range) -> str:
    rule = allowed.rule
    anchor = _anchor(rule)
    if (
        rule.before is not None and anchor.startswith("assessment:")
    ) or anchor == "first_assessment":
        amount = allowed.amount
        words = describe(amount.unit, amount.value) if amount is not None else "enough time"
        return (
            f"Book the {event_words(spec, anchor)} for a later date, leaving at least {words} "
            f"between the {event_words(spec, rule.event)} and the {event_words(spec, anchor)}, "
            "or correct the recorded date if it is wrong."
        )
    late = event_words(spec, rule.event)
    return f"Correct the recorded date if it is wrong, or record why the {late} was late."


def overdue(context: _Context, allowed: _Range, method_id: str | None) -> Finding | None:
    """Refuse when an event is still not recorded after the latest day its rule allows.

    {quote} The {event} was due by {limit}, {amount} {relation} the {anchor} on
    {anchor_day}, and is not recorded as done by {as_of}. Record it if it has been done;
    otherwise {fix}
    """
    rule = allowed.rule
    if rule.event in context.events or allowed.latest is None or context.as_of <= allowed.latest:
        return None
    anchor = _anchor(rule)
    if anchor.startswith("assessment:") or anchor == "first_assessment":
        fix = f"book the {event_words(context.spec, anchor)} for a later date."
    else:
        fix = "contact the EPAO: the specification's time limit has passed."
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity="refusal",
        message=_message(
            overdue,
            quote=_quote(rule.source, rule.name),
            event=event_words(context.spec, rule.event),
            limit=long_date(allowed.latest),
            amount=_amount_words(rule) or "no later than",
            relation="before" if rule.before is not None else "after",
            anchor=event_words(context.spec, anchor),
            anchor_day=long_date(allowed.anchor),
            as_of=long_date(context.as_of),
            fix=fix,
        )
        .replace("no later than before", "before")
        .replace("no later than after", "after"),
        date=allowed.latest,
        produced_by=_produced_by(rule),
        method=method_id,
        source=rule.source,
    )


def too_early(context: _Context, allowed: _Range, method_id: str | None) -> Finding | None:
    """Refuse an event recorded before the earliest day its rule allows.

    {quote} The {event} is recorded on {day}, before {limit}, the earliest day the rule
    "{rule}" allows ({amount}{relation} the {anchor} on {anchor_day}). Correct the date
    if it is wrong; otherwise {fix}
    """
    rule = allowed.rule
    day = context.events.get(rule.event)
    if day is None or allowed.earliest is None or day >= allowed.earliest:
        return None
    amount = _amount_words(rule)
    if rule.event.startswith("assessment:"):
        what = event_words(context.spec, rule.event)
        fix = f"book the {what} for {long_date(allowed.earliest)} or later."
    else:
        what = event_words(context.spec, rule.event)
        fix = f"the {what} must be on {long_date(allowed.earliest)} or later."
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity="refusal",
        message=_message(
            too_early,
            quote=_quote(rule.source, rule.name),
            event=event_words(context.spec, rule.event),
            day=long_date(day),
            limit=long_date(allowed.earliest),
            rule=rule.name,
            amount=f"{amount} " if amount else "on or ",
            relation="before" if rule.before is not None else "after",
            anchor=event_words(context.spec, _anchor(rule)),
            anchor_day=long_date(allowed.anchor),
            fix=fix,
        ),
        date=allowed.earliest,
        produced_by=_produced_by(rule),
        method=method_id,
        source=rule.source,
    )


# --- the method rules --------------------------------------------------------------------


def order_required(
    context: _Context, method: Method, earlier: Method, day: date, earlier_day: date
) -> Finding:
    """Refuse a method booked before a method that must come first.

    {quote} The {method} is booked for {day}, before the {earlier} on {earlier_day}.
    Book the {method} for {earlier_day} or later, or the {earlier} for {day} or earlier.
    """
    assert method.order is not None
    return _order_finding(order_required, "refusal", context, method, earlier, day, earlier_day)


def order_recommended(
    context: _Context, method: Method, earlier: Method, day: date, earlier_day: date
) -> Finding:
    """Warn about a method booked before a method recommended to come first.

    {quote} The {method} is booked for {day}, before the {earlier} on {earlier_day}.
    This is a recommendation, not a requirement: you may keep the booking, or book the
    {method} for {earlier_day} or later.
    """
    return _order_finding(order_recommended, "warning", context, method, earlier, day, earlier_day)


def _order_finding(
    function: Callable[..., Finding],
    severity: Severity,
    context: _Context,
    method: Method,
    earlier: Method,
    day: date,
    earlier_day: date,
) -> Finding:
    assert method.order is not None
    return Finding(
        rule=f"order:{method.id}",
        name=f"{method.name} after the {earlier.name}",
        severity=severity,
        message=_message(
            function,
            quote=_quote(method.order.source, f"{method.name} after {earlier.name}"),
            method=method.name,
            earlier=earlier.name,
            day=long_date(day),
            earlier_day=long_date(earlier_day),
        ),
        date=earlier_day,
        produced_by=(
            f"order:{method.id}: the {method.name} comes after the {earlier.name}"
            f" ({method.order.strength})"
        ),
        method=method.id,
        source=method.order.source,
    )


def _order_findings(context: _Context, booking: Booking | None) -> list[Finding]:
    """Order findings for one booking (both as the later and as the earlier method)."""
    findings: list[Finding] = []
    for method in context.spec.methods:
        if method.order is None:
            continue
        mine = context.plan.booking_of(method.id)
        if mine is None:
            continue
        for earlier_id in method.order.after:
            theirs = context.plan.booking_of(earlier_id)
            if theirs is None or mine.on >= theirs.on:
                continue
            if booking is not None and booking.method not in (method.id, earlier_id):
                continue
            rule = order_required if method.order.strength == "required" else order_recommended
            findings.append(
                rule(context, method, _method(context.spec, earlier_id), mine.on, theirs.on)
            )
    return findings


def _duration_bounds(duration: Duration) -> tuple[Fraction | None, Fraction | None]:
    minutes = Fraction(duration.minutes)
    if duration.limit == "maximum":
        return None, minutes
    if duration.limit == "minimum":
        return minutes, None
    return (
        minutes * (100 - duration.below_percent) / 100,
        minutes * (100 + duration.above_percent) / 100,
    )


def _minutes_words(value: Fraction | None) -> str:
    if value is None:
        return ""
    return f"{value.numerator if value.denominator == 1 else f'{float(value):g}'} minutes"


def duration_outside_limits(
    context: _Context, booking: Booking, duration: Duration
) -> Finding | None:
    """Refuse (or, for a bare target, warn about) a planned length outside the method's.

    {quote} The {what} is planned for {planned} minutes. Plan it for {allowed}.
    """
    method = _method(context.spec, booking.method)
    low, high = _duration_bounds(duration)
    total = booking.total_minutes
    if not booking.minutes or ((low is None or total >= low) and (high is None or total <= high)):
        return None
    exact = duration.limit == "target" and not (duration.below_percent or duration.above_percent)
    if duration.limit == "maximum":
        allowed = f"at most {_minutes_words(high)}"
    elif duration.limit == "minimum":
        allowed = f"at least {_minutes_words(low)}"
    elif exact:
        allowed = f"about {duration.minutes} minutes"
    else:
        allowed = f"between {_minutes_words(low)} and {_minutes_words(high)}"
    what = f"{duration.applies_to} of the {method.name}" if duration.applies_to else method.name
    if len(booking.minutes) > 1:
        what += f" ({len(booking.minutes)} occasions added up)"
    return Finding(
        rule=f"duration:{method.id}",
        name=f"Length of the {method.name}",
        # A bare target without a tolerance ("lasting 60 minutes", "approximately one hour") is
        # a length to aim for: a different plan is a warning, not a refusal.
        severity="warning" if exact else "refusal",
        message=_message(
            duration_outside_limits,
            quote=_quote(duration.source, method.name),
            what=what,
            planned=total,
            allowed=allowed,
        ),
        date=None,
        produced_by=f"duration:{method.id}",
        method=method.id,
        source=duration.source,
    )


def one_occasion_only(context: _Context, booking: Booking, duration: Duration) -> Finding | None:
    """Refuse several occasions for a method taken in one session.

    {quote} The {method} is planned as {count} occasions; it takes place in one session.
    Plan a single session.
    """
    if duration.occasions != "one" or len(booking.minutes) <= 1:
        return None
    method = _method(context.spec, booking.method)
    return Finding(
        rule=f"occasions:{method.id}",
        name=f"{method.name} in one session",
        severity="refusal",
        message=_message(
            one_occasion_only,
            quote=_quote(duration.source, method.name),
            method=method.name,
            count=len(booking.minutes),
        ),
        date=None,
        produced_by=f"occasions:{method.id}",
        method=method.id,
        source=duration.source,
    )


def mode_not_allowed(context: _Context, booking: Booking) -> Finding | None:
    """Refuse a mode the method does not allow.

    {quote} The {method} cannot be carried out {mode}; it may be {allowed}. Choose one
    of those.
    """
    method = _method(context.spec, booking.method)
    if booking.mode is None or method.modes is None or booking.mode in method.modes.allowed:
        return None
    allowed = [MODE_WORDS[m] for m in method.modes.allowed]
    words = allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + f" or {allowed[-1]}"
    return Finding(
        rule=f"mode:{method.id}",
        name=f"How the {method.name} is carried out",
        severity="refusal",
        message=_message(
            mode_not_allowed,
            quote=_quote(method.modes.source, method.name),
            method=method.name,
            mode=MODE_WORDS[booking.mode],
            allowed=words,
        ),
        date=None,
        produced_by=f"mode:{method.id}",
        method=method.id,
        source=method.modes.source,
    )


# --- putting it together -----------------------------------------------------------------


def _window_rule(spec: Specification) -> TimeRule | None:
    return next(
        (
            r
            for r in spec.time_rules
            if r.event == "last_assessment" and r.after == "gateway" and r.at_most is not None
        ),
        None,
    )


def window_end(spec: Specification, plan: Plan) -> date | None:
    """The last day of the EPA window: the plan's recorded end, or the specification's rule."""
    if plan.window_end is not None:
        return plan.window_end
    rule = _window_rule(spec)
    if rule is None or rule.at_most is None:
        return None
    return shift(plan.gateway, rule.at_most.unit, rule.at_most.value)


# The work-based project's own dates belong to the booking of the method ``project``: booking
# its interview checks that the project started after the gateway and was finished in time.
PROJECT_EVENTS = frozenset({"project_start", "project_completion"})


def _involves(rule: TimeRule, method_id: str, events: Mapping[str, date], day: date) -> bool:
    """Whether a time rule concerns the booking of one method on ``day``."""
    names = {rule.event, _anchor(rule)}
    mine = {f"assessment:{method_id}", f"booking:{method_id}"}
    if names & mine:
        return True
    if method_id == "project" and rule.event in PROJECT_EVENTS:
        return True
    return "first_assessment" in names and events.get("first_assessment") == day


def _time_rule_findings(
    context: _Context, rules: Iterable[TimeRule], method_id: str | None
) -> list[Finding]:
    findings: list[Finding] = []
    window = _window_rule(context.spec)
    for rule in rules:
        if rule is window:
            continue
        anchor = context.events.get(_anchor(rule))
        if anchor is None:
            continue
        allowed = _range(rule, anchor)
        if rule.event.startswith("booking:"):
            found = short_notice(context, allowed, rule.event.partition(":")[2])
            if found:
                findings.append(found)
            continue
        for check in (too_late, too_early, overdue):
            found = check(context, allowed, method_id)
            if found:
                findings.append(found)
    return findings


def _booking_findings(context: _Context, booking: Booking) -> list[Finding]:
    spec = context.spec
    method = _method(spec, booking.method)
    findings: list[Finding] = []
    gateway = before_gateway(context, booking)
    if gateway:
        findings.append(gateway)
    end = window_end(spec, context.plan)
    if end is not None:
        found = outside_epa_window(context, booking, end, _window_rule(spec))
        if found:
            findings.append(found)
    rules = [r for r in spec.time_rules if _involves(r, booking.method, context.events, booking.on)]
    findings += _time_rule_findings(context, rules, booking.method)
    findings += _order_findings(context, booking)
    for duration in method.duration:
        for duration_check in (one_occasion_only, duration_outside_limits):
            found = duration_check(context, booking, duration)
            if found:
                findings.append(found)
    mode = mode_not_allowed(context, booking)
    if mode:
        findings.append(mode)
    return findings


def check_booking(spec: Specification, plan: Plan, booking: Booking) -> list[Finding]:
    """Every rule a new or moved booking breaks, refusals first.

    ``booking`` replaces any booking of the same method in ``plan``; the day it is made
    (``booking.booked_on``) is the day submissions are judged overdue against. A booking is
    refused when any finding is a refusal; warnings are shown and may be accepted.
    """
    _method(spec, booking.method)
    planned = plan.with_booking(booking)
    context = _Context(spec, planned, known_events(spec, planned), booking.booked_on)
    return _sorted(_booking_findings(context, booking))


def check_plan(spec: Specification, plan: Plan, today: date) -> list[Finding]:
    """Every rule the whole plan breaks on ``today``: its bookings, submissions and limits.

    For the at-risk list: a booking a rule now flags, a submission overdue, a project
    started too early or finished too late.
    """
    context = _Context(spec, plan, known_events(spec, plan), today)
    findings: list[Finding] = []
    for booking in plan.bookings:
        findings += _booking_findings(context, booking)
    # Rules not tied to a booking (the project's dates, submissions against the first
    # assessment ...), judged on ``today``.
    findings += _time_rule_findings(context, spec.time_rules, None)
    return _sorted(_unique(findings))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity != "refusal",))


def refused(findings: Iterable[Finding]) -> bool:
    """Whether any finding refuses the booking."""
    return any(f.severity == "refusal" for f in findings)


# --- deadlines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _PeriodRule:
    rule: str
    name: str
    event: str
    after: str
    amount: Amount
    source: Source


def deadlines(spec: Specification, plan: Plan) -> list[Deadline]:
    """Every date the specification's rules produce for this plan, in date order.

    The EPA window end, submission deadlines, notice limits, results due, reassessment
    limits; a rule whose anchor is not known yet (an unbooked method, no fail result)
    produces no date.
    """
    events = known_events(spec, plan)
    found: list[Deadline] = []
    end = window_end(spec, plan)
    window = _window_rule(spec)
    if end is not None:
        found.append(
            Deadline(
                rule=window.id if window is not None else "epa-window",
                name=window.name if window is not None else "EPA window",
                event="last_assessment",
                date=end,
                limit="by",
                produced_by=(
                    _produced_by(window)
                    if window is not None and plan.window_end is None
                    else "epa-window: the EPA window end recorded for this apprentice"
                ),
                source=window.source if window is not None else None,
                done_on=events.get("last_assessment"),
            )
        )
    for rule in spec.time_rules:
        if rule is window:
            continue
        anchor_name = _anchor(rule)
        anchor = events.get(anchor_name)
        if anchor is None:
            continue
        allowed = _range(rule, anchor)
        method = rule.event.partition(":")[2] or anchor_name.partition(":")[2] or None
        day, limit = (
            (allowed.latest, "by")
            if (allowed.latest is not None and allowed.latest != anchor) or allowed.earliest is None
            else (allowed.earliest, "from")
        )
        assert day is not None
        found.append(
            Deadline(
                rule=rule.id,
                name=rule.name,
                event=rule.event,
                date=day,
                limit="by" if limit == "by" else "from",
                produced_by=_produced_by(rule),
                source=rule.source,
                done_on=events.get(rule.event),
                method=method,
            )
        )
    for period in _reassessment_periods(spec):
        anchor = events.get(period.after)
        if anchor is None:
            continue
        found.append(
            Deadline(
                rule=period.rule,
                name=period.name,
                event=period.event,
                date=shift(anchor, period.amount.unit, period.amount.value),
                limit="by",
                produced_by=f"{period.rule}: {period.name}",
                source=period.source,
            )
        )
    return sorted(found, key=lambda d: (d.date, d.rule))


def _reassessment_periods(spec: Specification) -> list[_PeriodRule]:
    """The reassessment limits that run from a known event (not the "typical" timescales)."""
    periods: list[_PeriodRule] = []
    reassessment = spec.reassessment
    if reassessment.time_limit is not None and reassessment.time_limit.after is not None:
        limit = reassessment.time_limit
        periods.append(
            _PeriodRule(
                "reassessment-time-limit",
                f"Resits and retakes within {describe(limit.amount.unit, limit.amount.value)}",
                "reassessment",
                limit.after or "",
                limit.amount,
                limit.source,
            )
        )
    if reassessment.project_rework is not None and reassessment.project_rework.after is not None:
        rework = reassessment.project_rework
        periods.append(
            _PeriodRule(
                "project-rework",
                f"Project reworked within {describe(rework.amount.unit, rework.amount.value)}",
                "project_rework",
                rework.after or "",
                rework.amount,
                rework.source,
            )
        )
    return periods


__all__ = [
    "Booking",
    "Deadline",
    "Finding",
    "Plan",
    "check_booking",
    "check_plan",
    "deadlines",
    "known_events",
    "refused",
    "window_end",
]
