"""Plausible dates: one test per rule of openepa.rules.plausibility, named after it."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.rules.plausibility import (
    age_on,
    agreement_before_start_problem,
    date_of_birth_problem,
    planned_outside_window_problem,
    planning_meeting_problem,
    start_date_problem,
)

START = date(2025, 1, 6)
TODAY = date(2026, 8, 5)
GATEWAY = date(2026, 8, 3)
WINDOW_END = date(2026, 11, 3)


def test_age_on() -> None:
    assert age_on(date(2004, 3, 27), date(2025, 3, 26)) == 20
    assert age_on(date(2004, 3, 27), date(2025, 3, 27)) == 21
    assert age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2004, 3, 27), None),
        (date(2010, 1, 6), None),  # 15 on the start date
        (date(1925, 1, 6), None),  # 100 on the start date
        (
            date(2020, 5, 1),
            "Date of birth makes the apprentice 4 on the apprenticeship start date "
            "(6 January 2025): an apprentice is at least 15 when they start. Check the year "
            "of birth and the start date",
        ),
        (
            date(2010, 1, 7),
            "Date of birth makes the apprentice 14 on the apprenticeship start date "
            "(6 January 2025): an apprentice is at least 15 when they start. Check the year "
            "of birth and the start date",
        ),
        (
            date(1900, 1, 1),
            "Date of birth makes the apprentice 125 on the apprenticeship start date "
            "(6 January 2025): an apprentice is at most 100 when they start. Check the year "
            "of birth and the start date",
        ),
    ],
)
def test_date_of_birth_problem(born: date, expected: str | None) -> None:
    assert date_of_birth_problem(born, START) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2025, 1, 6), None),
        (date(2027, 8, 5), None),  # a year ahead
        (date(2014, 1, 1), None),
        (
            date(2030, 1, 6),
            "Apprenticeship start date 6 January 2030 is more than 12 months away: check the "
            "year, or register the apprentice once the start is on or before 5 August 2027",
        ),
        (
            date(2013, 12, 31),
            "Apprenticeship start date 31 December 2013 is before 1 January 2014, when "
            "apprenticeship standards with end-point assessment began: check the year",
        ),
    ],
)
def test_start_date_problem(start: date, expected: str | None) -> None:
    assert start_date_problem(start, TODAY) == expected


@pytest.mark.parametrize(
    ("on", "window_end", "expected"),
    [
        (date(2026, 8, 5), WINDOW_END, None),
        (GATEWAY, WINDOW_END, None),
        (WINDOW_END, WINDOW_END, None),
        (
            date(2026, 7, 30),
            WINDOW_END,
            "The planning meeting on 30 July 2026 is before the gateway on 3 August 2026: the "
            "EPA is planned after the gateway. Enter the date of the meeting, on or after "
            "3 August 2026",
        ),
        (
            date(2030, 8, 5),
            WINDOW_END,
            "The planning meeting on 5 August 2030 is after the EPA window ends on 3 November "
            "2026: the assessments are planned within the window. Check the date of the meeting",
        ),
        (date(2027, 8, 5), None, None),
        (
            date(2030, 8, 5),
            None,
            "The planning meeting on 5 August 2030 is more than 12 months away: check the year, "
            "and enter a date on or before 5 August 2027",
        ),
    ],
)
def test_planning_meeting_problem(on: date, window_end: date | None, expected: str | None) -> None:
    assert planning_meeting_problem(on, GATEWAY, window_end, TODAY) == expected


@pytest.mark.parametrize(
    ("planned", "expected"),
    [
        (date(2026, 9, 21), None),
        (GATEWAY, None),
        (WINDOW_END, None),
        (
            date(2026, 7, 1),
            "The observation is planned for 1 July 2026, before the gateway on 3 August 2026: "
            "it cannot be booked before the gateway. Change the date, or confirm the plan as "
            "it is",
        ),
        (
            date(2026, 12, 1),
            "The observation is planned for 1 December 2026, after the EPA window ends on "
            "3 November 2026: it can be booked after the window only with extenuating "
            "circumstances that extend it. Change the date, or confirm the plan as it is",
        ),
    ],
)
def test_planned_outside_window_problem(planned: date, expected: str | None) -> None:
    assert planned_outside_window_problem("observation", planned, GATEWAY, WINDOW_END) == expected
    assert planned_outside_window_problem("observation", planned, None, None) is None


@pytest.mark.parametrize(
    ("agreed_on", "expected"),
    [
        (date(2026, 7, 20), None),
        (START, None),
        (
            date(2024, 12, 1),
            "The date the employer agreed (1 December 2024) is before the apprenticeship "
            "started on 6 January 2025: a resit or retake is agreed after a fail. Enter the "
            "date the employer agreed to it",
        ),
    ],
)
def test_agreement_before_start_problem(agreed_on: date, expected: str | None) -> None:
    assert agreement_before_start_problem(agreed_on, START) == expected
