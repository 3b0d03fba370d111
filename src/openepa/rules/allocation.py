"""Who may assess an apprentice, and in what order to offer them. Pure Python, no Django.

An assessor is eligible for an apprentice when they are:

- approved for the apprentice's specification;
- independent: they declared no relationship with the apprentice's employer or training
  provider, and do not know the apprentice (seed 002: "the assessor must not have met the
  apprentice before");
- available: at least one of their working days inside the EPA window (gateway date to the
  window's end) is not a weekend, a bank holiday in England or one of their unavailable dates;
- not at capacity: the assessments they have booked or planned in the weeks concerned (the
  weeks of the EPA window, or the next few weeks where the specification sets no window, as
  Active IQ's) are fewer than their weekly capacity times the weeks they can work in those
  weeks (their available days divided by the days they work a week). Only the assessments
  in those weeks count, not every apprentice ever allocated to them. An EPAO admin may
  allocate above capacity with a reason (:attr:`Verdict.overridable`).

Eligible assessors are ranked by approval, independence (fewer apprentices already assessed
at the same employer or provider first), availability inside the window (more available days
first) and current workload (the lowest share of capacity first), then by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from openepa.rules.dates import is_working_day

#: Days of the week as Python numbers them (Monday is 0), with their names.
WEEKDAYS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


class Party(StrEnum):
    """Who a declared relationship is with."""

    EMPLOYER = "employer"
    PROVIDER = "provider"
    APPRENTICE = "apprentice"


@dataclass(frozen=True)
class Apprenticeship:
    """The facts about one apprentice that decide who may assess them.

    ``employer`` and ``provider`` identify organisations; ``apprentice`` identifies the
    apprentice (their ULN); ``window_end`` is None where the specification sets no window,
    and capacity then counts the ``weeks_ahead`` weeks from ``window_start``.
    """

    spec_id: str
    employer: int
    provider: int
    apprentice: str
    window_start: date
    window_end: date | None
    weeks_ahead: int = 12


@dataclass(frozen=True)
class Declared:
    """A relationship a person declared: with whom (``party`` and ``target``), in words."""

    party: Party
    target: int | str
    description: str


@dataclass(frozen=True)
class Candidate:
    """One assessor's profile facts and workload.

    ``workload`` is the assessments booked or planned for them in the weeks concerned
    (:func:`weeks_concerned`).
    """

    person: int
    name: str
    approved_specs: frozenset[str]
    weekly_capacity: int
    working_days: frozenset[int]
    unavailable: tuple[tuple[date, date], ...] = ()
    relationships: tuple[Declared, ...] = ()
    workload: int = 0
    assessed_at_parties: int = 0


@dataclass(frozen=True)
class Verdict:
    """Whether ``candidate`` may assess the apprentice, every reason not, and the ranking key."""

    candidate: Candidate
    reasons: tuple[str, ...]
    available_days: int | None
    capacity: int
    rank: tuple[int, int, int, float, str] = field(compare=False)
    capacity_reason: str | None = None

    @property
    def eligible(self) -> bool:
        """No reason against."""
        return not self.reasons

    @property
    def overridable(self) -> bool:
        """Capacity is the only reason against: an EPAO admin may allocate with a reason."""
        return self.capacity_reason is not None and self.reasons == (self.capacity_reason,)


def available_days(
    start: date,
    end: date,
    working_days: Iterable[int],
    unavailable: Iterable[tuple[date, date]] = (),
) -> int:
    """The person's working days from ``start`` to ``end`` (both included) they can work.

    Weekends and England's bank holidays never count, nor any day in an unavailable range.
    """
    pattern = set(working_days)
    ranges = list(unavailable)
    count = 0
    day = start
    while day <= end:
        if (
            day.weekday() in pattern
            and is_working_day(day)
            and not any(first <= day <= last for first, last in ranges)
        ):
            count += 1
        day += timedelta(days=1)
    return count


def independence_problems(
    apprenticeship: Apprenticeship, relationships: Iterable[Declared]
) -> list[str]:
    """The declared relationships that make a person not independent of the apprentice."""
    targets = {
        Party.EMPLOYER: apprenticeship.employer,
        Party.PROVIDER: apprenticeship.provider,
        Party.APPRENTICE: apprenticeship.apprentice,
    }
    problems = []
    for relationship in relationships:
        if targets[relationship.party] == relationship.target:
            problems.append(f"Not independent: declared that they {relationship.description}")
    return problems


def weeks_concerned(apprenticeship: Apprenticeship) -> tuple[date, date]:
    """The weeks whose assessments count against capacity, Monday to Sunday.

    The weeks of the EPA window; without a window end, ``weeks_ahead`` weeks from the week of
    ``window_start``.
    """
    first = apprenticeship.window_start - timedelta(days=apprenticeship.window_start.weekday())
    if apprenticeship.window_end is None:
        return first, first + timedelta(weeks=apprenticeship.weeks_ahead, days=-1)
    end = apprenticeship.window_end
    return first, end + timedelta(days=6 - end.weekday())


def capacity_in(weeks: tuple[date, date], candidate: Candidate) -> int:
    """The assessments the candidate can take in ``weeks``: weekly capacity per week worked.

    Their available days in those weeks divided by the days they work a week, rounded up.
    """
    days = available_days(*weeks, candidate.working_days, candidate.unavailable)
    per_week = max(1, len(candidate.working_days))
    return -(-candidate.weekly_capacity * days // per_week)


def unavailability(apprenticeship: Apprenticeship, candidate: Candidate) -> tuple[int | None, str]:
    """The candidate's available days in the window (None without one), and the reason if none.

    Without a window end, unavailable throughout the weeks ahead is the reason.
    """
    start, end = apprenticeship.window_start, apprenticeship.window_end
    if end is not None:
        days = available_days(start, end, candidate.working_days, candidate.unavailable)
        where = f"the EPA window ({_day(start)} to {_day(end)})"
        return days, f"Unavailable throughout {where}" if days == 0 else ""
    first, last = weeks_concerned(apprenticeship)
    if available_days(first, last, candidate.working_days, candidate.unavailable):
        return None, ""
    weeks = apprenticeship.weeks_ahead
    return None, (
        f"Unavailable throughout the next {weeks} week{'s' if weeks != 1 else ''} "
        f"({_day(first)} to {_day(last)})"
    )


def at_capacity(apprenticeship: Apprenticeship, candidate: Candidate, capacity: int) -> str | None:
    """Why the candidate is at capacity in the weeks concerned, with the numbers, or None."""
    if candidate.workload < capacity:
        return None
    first, last = weeks_concerned(apprenticeship)
    count = candidate.workload
    return (
        f"At capacity: {count} assessment{'s' if count != 1 else ''} booked or planned from "
        f"{_day(first)} to {_day(last)}, capacity {capacity} ({candidate.weekly_capacity} a week)"
    )


def assess(apprenticeship: Apprenticeship, candidate: Candidate) -> Verdict:
    """Whether ``candidate`` is eligible to assess the apprentice, and every reason if not."""
    reasons: list[str] = []
    approved = apprenticeship.spec_id in candidate.approved_specs
    if not approved:
        reasons.append(f"Not approved for the specification {apprenticeship.spec_id}")
    independence = independence_problems(apprenticeship, candidate.relationships)
    reasons.extend(independence)
    days, unavailable = unavailability(apprenticeship, candidate)
    if unavailable:
        reasons.append(unavailable)
    capacity = capacity_in(weeks_concerned(apprenticeship), candidate)
    full = None if unavailable else at_capacity(apprenticeship, candidate, capacity)
    if full:
        reasons.append(full)
    share = candidate.workload / capacity if capacity else float("inf")
    rank = (
        0 if approved else 1,
        len(independence) * 1000 + candidate.assessed_at_parties,
        -(days or 0),
        share,
        candidate.name.casefold(),
    )
    return Verdict(
        candidate=candidate,
        reasons=tuple(reasons),
        available_days=days,
        capacity=capacity,
        rank=rank,
        capacity_reason=full,
    )


def rank(apprenticeship: Apprenticeship, candidates: Iterable[Candidate]) -> list[Verdict]:
    """Every candidate's verdict: the eligible first, best first; then the others by name."""
    verdicts = [assess(apprenticeship, candidate) for candidate in candidates]
    eligible = sorted((v for v in verdicts if v.eligible), key=lambda v: v.rank)
    others = sorted(
        (v for v in verdicts if not v.eligible), key=lambda v: v.candidate.name.casefold()
    )
    return eligible + others


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
