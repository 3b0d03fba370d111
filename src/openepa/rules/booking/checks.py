"""Checking a booking or a whole plan: which rules apply, and every finding they give.

:func:`check_booking` judges a new or moved booking; :func:`check_plan` judges every booking
and submission of a plan on a given day. The rules themselves are in
:mod:`openepa.rules.booking.time_checks` and :mod:`openepa.rules.booking.method_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from openepa.rules.booking.context import Booking, Context, Plan, known_events, spec_method
from openepa.rules.booking.findings import Finding
from openepa.rules.booking.method_checks import (
    duration_outside_limits,
    mode_not_allowed,
    one_occasion_only,
    order_findings,
)
from openepa.rules.booking.ranges import allowed_range, anchor_of, window_end, window_rule
from openepa.rules.booking.time_checks import (
    before_gateway,
    outside_epa_window,
    overdue,
    short_notice,
    too_early,
    too_late,
)
from openepa.rules.model import Specification, TimeRule

# The work-based project's own dates belong to the booking of the method ``project``: booking
# its interview checks that the project started after the gateway and was finished in time.
PROJECT_EVENTS = frozenset({"project_start", "project_completion"})


def _involves(rule: TimeRule, method_id: str, events: Mapping[str, date], day: date) -> bool:
    """Whether a time rule concerns the booking of one method on ``day``."""
    names = {rule.event, anchor_of(rule)}
    mine = {f"assessment:{method_id}", f"booking:{method_id}"}
    if names & mine:
        return True
    if method_id == "project" and rule.event in PROJECT_EVENTS:
        return True
    return "first_assessment" in names and events.get("first_assessment") == day


def _time_rule_findings(
    context: Context, rules: Iterable[TimeRule], method_id: str | None
) -> list[Finding]:
    findings: list[Finding] = []
    window = window_rule(context.spec)
    for rule in rules:
        if rule is window:
            continue
        anchor = context.events.get(anchor_of(rule))
        if anchor is None:
            continue
        allowed = allowed_range(rule, anchor)
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


def _booking_findings(context: Context, booking: Booking) -> list[Finding]:
    spec = context.spec
    method = spec_method(spec, booking.method)
    findings: list[Finding] = []
    gateway = before_gateway(context, booking)
    if gateway:
        findings.append(gateway)
    end = window_end(spec, context.plan)
    if end is not None:
        found = outside_epa_window(context, booking, end, window_rule(spec))
        if found:
            findings.append(found)
    rules = [r for r in spec.time_rules if _involves(r, booking.method, context.events, booking.on)]
    findings += _time_rule_findings(context, rules, booking.method)
    findings += order_findings(context, booking)
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
    spec_method(spec, booking.method)
    planned = plan.with_booking(booking)
    context = Context(spec, planned, known_events(spec, planned), booking.booked_on)
    return _sorted(_booking_findings(context, booking))


def check_plan(spec: Specification, plan: Plan, today: date) -> list[Finding]:
    """Every rule the whole plan breaks on ``today``: its bookings, submissions and limits.

    For the at-risk list: a booking a rule now flags, a submission overdue, a project
    started too early or finished too late.
    """
    context = Context(spec, plan, known_events(spec, plan), today)
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
