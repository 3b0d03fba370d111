"""The time rules a booking or plan can break, one function per rule.

The EPA window (:func:`outside_epa_window`), assessment after gateway (:func:`before_gateway`),
booking notice (:func:`short_notice`), and an event recorded too late, too early or not at all
by its limit (:func:`too_late`, :func:`too_early`, :func:`overdue`): submissions, registration,
the project's dates. Each returns a :class:`~openepa.rules.booking.findings.Finding` or None.
"""

from __future__ import annotations

from datetime import date, timedelta

from openepa.rules.booking.context import Booking, Context, long_date, spec_method
from openepa.rules.booking.findings import Finding, message_of, quote
from openepa.rules.booking.ranges import (
    AllowedRange,
    amount_words,
    anchor_of,
    describe_amount,
    produced_by,
)
from openepa.rules.dates import describe, shift
from openepa.rules.labels import event_words
from openepa.rules.model import Amount, Specification, TimeRule


def outside_epa_window(
    context: Context, booking: Booking, end: date, rule: TimeRule | None
) -> Finding | None:
    """Refuse an assessment booked after the EPA window ends.

    {quote} The {method} is booked for {day}, after the EPA window ends on {limit}
    ({produced}). Book it for {limit} or earlier, or record extenuating circumstances
    that extend the window.
    """
    if booking.on <= end:
        return None
    method = spec_method(context.spec, booking.method)
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
        message=message_of(
            outside_epa_window,
            quote=quote(from_rule.source, from_rule.name) if from_rule is not None else "",
            method=method.name,
            day=long_date(booking.on),
            limit=long_date(end),
            produced=produced,
        ).strip(),
        date=end,
        produced_by=(
            produced_by(from_rule)
            if from_rule is not None
            else "epa-window: the EPA window end recorded for this apprentice"
        ),
        method=booking.method,
        source=from_rule.source if from_rule is not None else None,
    )


def before_gateway(context: Context, booking: Booking) -> Finding | None:
    """Refuse an assessment booked before gateway.

    End-point assessment follows the gateway. The {method} is booked for {day}, before
    gateway on {gateway}. Book it for {gateway} or later.
    """
    if booking.on >= context.plan.gateway:
        return None
    method = spec_method(context.spec, booking.method)
    return Finding(
        rule="after-gateway",
        name="Assessment after gateway",
        severity="refusal",
        message=message_of(
            before_gateway,
            method=method.name,
            day=long_date(booking.on),
            gateway=long_date(context.plan.gateway),
        ),
        date=context.plan.gateway,
        produced_by="after-gateway: end-point assessment follows the gateway",
        method=booking.method,
    )


def short_notice(context: Context, allowed: AllowedRange, method_id: str) -> Finding | None:
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
        message=message_of(
            short_notice,
            quote=quote(rule.source, rule.name),
            method=spec_method(context.spec, method_id).name,
            day=long_date(allowed.anchor),
            booked_on=long_date(booked_on),
            amount=describe(amount.unit, amount.value),
            limit=long_date(allowed.latest),
            earliest=long_date(earliest),
        ),
        date=allowed.latest,
        produced_by=produced_by(rule),
        method=method_id,
        source=rule.source,
    )


def _earliest_with_notice(booked_on: date, amount: Amount) -> date:
    """The first day whose notice period, counted back, starts on or after ``booked_on``."""
    day = shift(booked_on, amount.unit, amount.value)
    while shift(day, amount.unit, -amount.value) < booked_on:
        day += timedelta(days=1)
    return day


def too_late(context: Context, allowed: AllowedRange, method_id: str | None) -> Finding | None:
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
        message=message_of(
            too_late,
            quote=quote(rule.source, rule.name),
            event=event_words(context.spec, rule.event),
            day=long_date(day),
            limit=long_date(allowed.latest),
            amount=amount_words(rule) or "no later than",
            relation="before" if rule.before is not None else "after",
            anchor=event_words(context.spec, anchor_of(rule)),
            anchor_day=long_date(allowed.anchor),
            fix=_fix_late(context.spec, allowed),
        )
        .replace("no later than before", "before")
        .replace("no later than after", "after"),
        date=allowed.latest,
        produced_by=produced_by(rule),
        method=method_id,
        source=rule.source,
    )


def _fix_late(spec: Specification, allowed: AllowedRange) -> str:
    rule = allowed.rule
    anchor = anchor_of(rule)
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


def overdue(context: Context, allowed: AllowedRange, method_id: str | None) -> Finding | None:
    """Refuse when an event is still not recorded after the latest day its rule allows.

    {quote} The {event} was due by {limit}, {amount} {relation} the {anchor} on
    {anchor_day}, and is not recorded as done by {as_of}. Record it if it has been done;
    otherwise {fix}
    """
    rule = allowed.rule
    if rule.event in context.events or allowed.latest is None or context.as_of <= allowed.latest:
        return None
    anchor = anchor_of(rule)
    if anchor.startswith("assessment:") or anchor == "first_assessment":
        fix = f"book the {event_words(context.spec, anchor)} for a later date."
    else:
        fix = "contact the EPAO: the specification's time limit has passed."
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity="refusal",
        message=message_of(
            overdue,
            quote=quote(rule.source, rule.name),
            event=event_words(context.spec, rule.event),
            limit=long_date(allowed.latest),
            amount=amount_words(rule) or "no later than",
            relation="before" if rule.before is not None else "after",
            anchor=event_words(context.spec, anchor),
            anchor_day=long_date(allowed.anchor),
            as_of=long_date(context.as_of),
            fix=fix,
        )
        .replace("no later than before", "before")
        .replace("no later than after", "after"),
        date=allowed.latest,
        produced_by=produced_by(rule),
        method=method_id,
        source=rule.source,
    )


def too_early(context: Context, allowed: AllowedRange, method_id: str | None) -> Finding | None:
    """Refuse an event recorded before the earliest day its rule allows.

    {quote} The {event} is recorded on {day}, before {limit}, the earliest day the rule
    "{rule}" allows ({amount}{relation} the {anchor} on {anchor_day}). Correct the date
    if it is wrong; otherwise {fix}
    """
    rule = allowed.rule
    day = context.events.get(rule.event)
    if day is None or allowed.earliest is None or day >= allowed.earliest:
        return None
    amount = amount_words(rule)
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
        message=message_of(
            too_early,
            quote=quote(rule.source, rule.name),
            event=event_words(context.spec, rule.event),
            day=long_date(day),
            limit=long_date(allowed.earliest),
            rule=rule.name,
            amount=f"{amount} " if amount else "on or ",
            relation="before" if rule.before is not None else "after",
            anchor=event_words(context.spec, anchor_of(rule)),
            anchor_day=long_date(allowed.anchor),
            fix=fix,
        ),
        date=allowed.earliest,
        produced_by=produced_by(rule),
        method=method_id,
        source=rule.source,
    )
