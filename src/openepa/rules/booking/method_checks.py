"""The rules OpenEPA reads from the methods, one function per rule.

The order of methods (:func:`order_required`, :func:`order_recommended`), a method's length
(:func:`duration_outside_limits`), a method taken in one session (:func:`one_occasion_only`)
and how it is carried out (:func:`mode_not_allowed`), each giving a
:class:`~openepa.rules.booking.findings.Finding` where the rule is broken; and
:func:`order_findings`, the order rules one booking breaks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction

from openepa.rules.booking.context import Booking, Context, long_date, spec_method
from openepa.rules.booking.findings import Finding, Severity, message_of, quote
from openepa.rules.labels import mode_words, phrase
from openepa.rules.model import Duration, Method


def order_required(
    context: Context, method: Method, earlier: Method, day: date, earlier_day: date
) -> Finding:
    """Refuse a method booked before a method that must come first.

    {quote} The {method} is booked for {day}, before the {earlier} on {earlier_day}.
    Book the {method} for {earlier_day} or later, or the {earlier} for {day} or earlier.
    """
    assert method.order is not None
    return _order_finding(order_required, "refusal", context, method, earlier, day, earlier_day)


def order_recommended(
    context: Context, method: Method, earlier: Method, day: date, earlier_day: date
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
    context: Context,
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
        message=message_of(
            function,
            quote=quote(method.order.source, f"{method.name} after {earlier.name}"),
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


def order_findings(context: Context, booking: Booking | None) -> list[Finding]:
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
                rule(context, method, spec_method(context.spec, earlier_id), mine.on, theirs.on)
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
    context: Context, booking: Booking, duration: Duration
) -> Finding | None:
    """Refuse (or, for a bare target, warn about) a planned length outside the method's.

    {quote} The {what} is planned for {planned} minutes. Plan it for {allowed}.
    """
    method = spec_method(context.spec, booking.method)
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
        message=message_of(
            duration_outside_limits,
            quote=quote(duration.source, method.name),
            what=what,
            planned=total,
            allowed=allowed,
        ),
        date=None,
        produced_by=f"duration:{method.id}",
        method=method.id,
        source=duration.source,
    )


def one_occasion_only(context: Context, booking: Booking, duration: Duration) -> Finding | None:
    """Refuse several occasions for a method taken in one session.

    {quote} The {method} is planned as {count} occasions; it takes place in one session.
    Plan a single session.
    """
    if duration.occasions != "one" or len(booking.minutes) <= 1:
        return None
    method = spec_method(context.spec, booking.method)
    return Finding(
        rule=f"occasions:{method.id}",
        name=f"{method.name} in one session",
        severity="refusal",
        message=message_of(
            one_occasion_only,
            quote=quote(duration.source, method.name),
            method=method.name,
            count=len(booking.minutes),
        ),
        date=None,
        produced_by=f"occasions:{method.id}",
        method=method.id,
        source=duration.source,
    )


def mode_not_allowed(context: Context, booking: Booking) -> Finding | None:
    """Refuse a mode the method does not allow.

    {quote} The {method} cannot be carried out {mode}; it may be {allowed}. Choose one
    of those.
    """
    method = spec_method(context.spec, booking.method)
    if booking.mode is None or method.modes is None or booking.mode in method.modes.allowed:
        return None
    words = phrase((mode_words(m) for m in method.modes.allowed), "or")
    return Finding(
        rule=f"mode:{method.id}",
        name=f"How the {method.name} is carried out",
        severity="refusal",
        message=message_of(
            mode_not_allowed,
            quote=quote(method.modes.source, method.name),
            method=method.name,
            mode=mode_words(booking.mode),
            allowed=words,
        ),
        date=None,
        produced_by=f"mode:{method.id}",
        method=method.id,
        source=method.modes.source,
    )
