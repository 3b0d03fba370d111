"""Dates a registration must respect, worked out from its specification (no Django here).

Two rules of a specification bear on registration:

- the registration lead time: a time rule whose event is ``registration``, anchored
  ``before: first_assessment`` with ``at_least`` (NQual: "a minimum of 90 days before
  assessment"). Registering on a day gives the earliest date assessment may take place; the
  planned assessment month must not end before it.
- the minimum time on programme (``gateway.minimum_on_programme``) and, where the
  specification says so, the gateway held on or after the on-programme end date: together they
  give the earliest gateway.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from openepa.rules.dates import describe, shift
from openepa.rules.model import Specification, TimeRule


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 20 February 2027."""
    return f"{day.day} {day:%B %Y}"


def long_month(day: date) -> str:
    """A month as GOV.UK writes it: February 2027."""
    return f"{day:%B %Y}"


def last_day_of_month(day: date) -> date:
    """The last day of the month ``day`` falls in."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class LeadTime:
    """A specification's registration lead time, applied to one registration date."""

    epao: str
    unit: str
    value: int
    registered_on: date
    earliest_assessment: date

    @property
    def length(self) -> str:
        """The lead time in words: "90 days"."""
        return describe(self.unit, self.value)

    @property
    def earliest_month(self) -> date:
        """The first planned assessment month that meets the lead time."""
        return self.earliest_assessment.replace(day=1)

    def met_by(self, planned_month: date) -> bool:
        """Whether assessment in ``planned_month`` can be at least the lead time away."""
        return last_day_of_month(planned_month) >= self.earliest_assessment

    def problem(self, planned_month: date) -> str | None:
        """What to fix if ``planned_month`` is too soon, or None if it is late enough."""
        if self.met_by(planned_month):
            return None
        return (
            f"{self.epao} asks for registration at least {self.length} before assessment: "
            f"the earliest assessment date is {long_date(self.earliest_assessment)}, so choose "
            f"a planned assessment month of {long_month(self.earliest_month)} or later"
        )

    def summary(self, planned_month: date) -> str:
        """One line for the apprentice's page: the rule and whether it is met."""
        outcome = "met" if self.met_by(planned_month) else "not met"
        return (
            f"at least {self.length} before assessment ({self.epao}) — {outcome}: earliest "
            f"assessment date {long_date(self.earliest_assessment)}"
        )


def registration_rule(spec: Specification) -> TimeRule | None:
    """The specification's registration lead time rule, if it sets one."""
    for rule in spec.time_rules:
        if (
            rule.event == "registration"
            and rule.before == "first_assessment"
            and rule.at_least is not None
        ):
            return rule
    return None


def lead_time(spec: Specification, registered_on: date) -> LeadTime | None:
    """The lead time for a registration made on ``registered_on``, or None if none is set."""
    rule = registration_rule(spec)
    if rule is None or rule.at_least is None:
        return None
    amount = rule.at_least
    return LeadTime(
        epao=spec.epao.name,
        unit=amount.unit,
        value=amount.value,
        registered_on=registered_on,
        earliest_assessment=shift(registered_on, amount.unit, amount.value),
    )


@dataclass(frozen=True)
class EarliestGateway:
    """The earliest gateway date and the rules that gave it."""

    day: date
    reasons: tuple[str, ...]

    def summary(self) -> str:
        """One line for the apprentice's page."""
        return f"{long_date(self.day)} ({'; '.join(self.reasons)})"


def earliest_gateway(
    spec: Specification, start_date: date, on_programme_end_date: date
) -> EarliestGateway | None:
    """The earliest gateway the specification allows, or None if it sets no such rule."""
    gateway = spec.gateway
    candidates: list[tuple[date, str]] = []
    if gateway.minimum_on_programme is not None:
        amount = gateway.minimum_on_programme.amount
        candidates.append(
            (
                shift(start_date, amount.unit, amount.value),
                f"at least {describe(amount.unit, amount.value)} on programme from the start "
                f"date, {long_date(start_date)}",
            )
        )
    flag = gateway.on_or_after_on_programme_end
    if flag is not None and flag.value:
        candidates.append(
            (
                on_programme_end_date,
                f"on or after the on-programme end date, {long_date(on_programme_end_date)}",
            )
        )
    if not candidates:
        return None
    return EarliestGateway(
        day=max(day for day, _ in candidates), reasons=tuple(reason for _, reason in candidates)
    )
