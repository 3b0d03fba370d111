"""Dates that rules produce: adding days, weeks, months and England's working days.

Working days exclude Saturdays, Sundays and England's bank holidays, taken from the
maintained ``holidays`` package rather than a hand-typed list.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from functools import lru_cache

import holidays

UNITS = ("hours", "days", "working_days", "weeks", "months")


def long_date(day: date) -> str:
    """A date as people read it in a message: 6 January 2025."""
    return f"{day.day} {day:%B %Y}"


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in one year."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_working_days(start: date, count: int) -> date:
    """The working day ``count`` working days after ``start`` (before it, if negative)."""
    step = 1 if count >= 0 else -1
    day, remaining = start, abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def shift(start: date, unit: str, value: int) -> date:
    """``start`` moved by ``value`` units (negative to move back). Hours count as whole days."""
    if unit == "days":
        return start + timedelta(days=value)
    if unit == "weeks":
        return start + timedelta(weeks=value)
    if unit == "months":
        return add_months(start, value)
    if unit == "working_days":
        return add_working_days(start, value)
    if unit == "hours":
        whole_days = math.ceil(abs(value) / 24)
        return start + timedelta(days=whole_days if value >= 0 else -whole_days)
    raise ValueError(f"unknown unit {unit!r}; allowed: {', '.join(UNITS)}")


def describe(unit: str, value: int) -> str:
    """A length of time in words: "3 months", "10 working days", "1 week"."""
    words = {
        "working_days": "working day",
        "days": "day",
        "weeks": "week",
        "months": "month",
        "hours": "hour",
    }[unit]
    return f"{value} {words}{'' if value == 1 else 's'}"
