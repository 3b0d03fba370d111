"""What a time rule allows: the range of days for its event, and the EPA window's end.

A time rule reads "EVENT at least/at most AMOUNT before/after ANCHOR". It gives the event an
allowed range: ``at least 2 weeks before X`` means on or before X minus 2 weeks; ``at most 3
months after X`` means from X up to and including X plus 3 months; an ``after`` rule without an
amount means on or after the anchor. Exactly at the limit is allowed. Working days skip
weekends and England's bank holidays (:mod:`openepa.rules.dates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openepa.rules.booking.context import Plan
from openepa.rules.dates import describe, shift
from openepa.rules.model import Amount, Specification, TimeRule


@dataclass(frozen=True)
class AllowedRange:
    """The days a time rule allows for its event, given its anchor's date."""

    rule: TimeRule
    anchor: date
    earliest: date | None
    latest: date | None

    @property
    def amount(self) -> Amount | None:
        return self.rule.at_least or self.rule.at_most


def allowed_range(rule: TimeRule, anchor: date) -> AllowedRange:
    """The allowed range of a rule's event (see the module docstring)."""
    amount = rule.at_least or rule.at_most
    if rule.before is not None:
        if amount is None:
            return AllowedRange(rule, anchor, None, anchor)
        limit = shift(anchor, amount.unit, -amount.value)
        if rule.at_least is not None:
            return AllowedRange(rule, anchor, None, limit)
        return AllowedRange(rule, anchor, limit, anchor)
    if amount is None:
        return AllowedRange(rule, anchor, anchor, None)
    limit = shift(anchor, amount.unit, amount.value)
    if rule.at_least is not None:
        return AllowedRange(rule, anchor, limit, None)
    return AllowedRange(rule, anchor, anchor, limit)


def anchor_of(rule: TimeRule) -> str:
    """The event a rule counts from: its ``before`` or its ``after``."""
    return rule.before if rule.before is not None else str(rule.after)


def produced_by(rule: TimeRule) -> str:
    """How a finding or deadline names the rule that produced its date: "ID: name"."""
    return f"{rule.id}: {rule.name}"


def amount_words(rule: TimeRule) -> str:
    """A rule's amount in words with its qualifier: "at most 3 months"; empty if none."""
    amount = rule.at_least or rule.at_most
    if amount is None:
        return ""
    qualifier = "at least" if rule.at_least is not None else "at most"
    return f"{qualifier} {describe(amount.unit, amount.value)}"


def describe_amount(rule: TimeRule) -> str:
    """A rule's amount in words, without its qualifier: "3 months"."""
    amount = rule.at_least or rule.at_most
    return describe(amount.unit, amount.value) if amount is not None else ""


def window_rule(spec: Specification) -> TimeRule | None:
    """The rule that sets the EPA window: last assessment at most AMOUNT after gateway."""
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
    rule = window_rule(spec)
    if rule is None or rule.at_most is None:
        return None
    return shift(plan.gateway, rule.at_most.unit, rule.at_most.value)
