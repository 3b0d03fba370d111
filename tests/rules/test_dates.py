"""Dates the rules produce: months, weeks and England's working days."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.rules.dates import add_months, add_working_days, describe, is_working_day, shift


def test_add_months_keeps_the_day_or_takes_the_months_last_day() -> None:
    assert add_months(date(2026, 5, 15), 3) == date(2026, 8, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_working_days_skip_weekends_and_englands_bank_holidays() -> None:
    # From Thursday 24 December 2026: Christmas Day (Friday), Boxing Day's substitute (Monday
    # 28) and New Year's Day (Friday 1 January) are not counted, nor are the weekends, so the
    # tenth working day after it is Tuesday 12 January 2027.
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 12)
    assert add_working_days(date(2027, 1, 12), -10) == date(2026, 12, 24)


def test_a_bank_holiday_in_scotland_only_is_a_working_day_in_england() -> None:
    assert is_working_day(date(2026, 1, 2))


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        ("days", 90, date(2026, 8, 13)),
        ("weeks", 2, date(2026, 5, 29)),
        ("months", 3, date(2026, 8, 15)),
        ("hours", 48, date(2026, 5, 17)),
        # the Spring bank holiday, Monday 25 May 2026, is not a working day
        ("working_days", 10, date(2026, 6, 1)),
    ],
)
def test_shift_moves_a_date_by_any_unit(unit: str, value: int, expected: date) -> None:
    assert shift(date(2026, 5, 15), unit, value) == expected


def test_describe_says_the_length_in_words() -> None:
    assert describe("working_days", 10) == "10 working days"
    assert describe("weeks", 1) == "1 week"
