"""The dates the rules produce for a plan, for the timeline and the reminders.

:func:`deadlines` gives one :class:`Deadline` for the EPA window's end, for each time rule whose
anchor the plan dates (submissions, notice limits, results due) and for the reassessment
limits; each says which rule produced it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from openepa.rules.booking.context import Plan, known_events
from openepa.rules.booking.ranges import (
    allowed_range,
    anchor_of,
    produced_by,
    window_end,
    window_rule,
)
from openepa.rules.dates import describe, shift
from openepa.rules.model import Amount, Source, Specification


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
    window = window_rule(spec)
    if end is not None:
        found.append(
            Deadline(
                rule=window.id if window is not None else "epa-window",
                name=window.name if window is not None else "EPA window",
                event="last_assessment",
                date=end,
                limit="by",
                produced_by=(
                    produced_by(window)
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
        anchor_name = anchor_of(rule)
        anchor = events.get(anchor_name)
        if anchor is None:
            continue
        allowed = allowed_range(rule, anchor)
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
                produced_by=produced_by(rule),
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
