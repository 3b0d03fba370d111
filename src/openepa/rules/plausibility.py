"""Whether the dates people type are plausible: an age, a start date, a meeting, a plan.

A date can be real and still not be the one meant: a date of birth making the apprentice 5, a
start date in 2030, a planning meeting years ahead, an employer's agreement to a resit before
the apprenticeship began. Each rule returns what is wrong and what to do, or None; the bounds
are the constants below.
"""

from __future__ import annotations

from datetime import date

from openepa.rules.dates import add_months, long_date

#: The youngest and oldest an apprentice can be on the day their apprenticeship starts.
YOUNGEST_APPRENTICE = 15
OLDEST_APPRENTICE = 100
#: How far ahead of today an apprenticeship may start when it is registered (months).
START_MONTHS_AHEAD = 12
#: The earliest start of an apprenticeship assessed here: standards with end-point assessment
#: replaced frameworks from 2014.
EARLIEST_START = date(2014, 1, 1)
#: How far ahead a planning meeting may be where the EPA window is not known (months).
MEETING_MONTHS_AHEAD = 12


def age_on(born: date, day: date) -> int:
    """Someone's age in whole years on ``day``."""
    birthday_to_come = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - int(birthday_to_come)


def date_of_birth_problem(born: date, start: date) -> str | None:
    """An apprentice is 15 to 100 years old on the apprenticeship start date."""
    age = age_on(born, start)
    if YOUNGEST_APPRENTICE <= age <= OLDEST_APPRENTICE:
        return None
    bound = (
        f"at least {YOUNGEST_APPRENTICE}"
        if age < YOUNGEST_APPRENTICE
        else f"at most {OLDEST_APPRENTICE}"
    )
    return (
        f"Date of birth makes the apprentice {age} on the apprenticeship start date "
        f"({long_date(start)}): an apprentice is {bound} when they start. Check the year of "
        "birth and the start date"
    )


def start_date_problem(start: date, today: date) -> str | None:
    """An apprenticeship starts no more than a year ahead, and not before standards began."""
    latest = add_months(today, START_MONTHS_AHEAD)
    if start > latest:
        return (
            f"Apprenticeship start date {long_date(start)} is more than "
            f"{START_MONTHS_AHEAD} months away: check the year, or register the apprentice "
            f"once the start is on or before {long_date(latest)}"
        )
    if start < EARLIEST_START:
        return (
            f"Apprenticeship start date {long_date(start)} is before "
            f"{long_date(EARLIEST_START)}, when apprenticeship standards with end-point "
            "assessment began: check the year"
        )
    return None


def planning_meeting_problem(
    on: date, gateway_date: date | None, window_end: date | None, today: date
) -> str | None:
    """The planning meeting is held after the gateway, before the EPA window ends.

    Where the window is not known, the meeting is at most a year ahead of today.
    """
    if gateway_date is not None and on < gateway_date:
        return (
            f"The planning meeting on {long_date(on)} is before the gateway on "
            f"{long_date(gateway_date)}: the EPA is planned after the gateway. Enter the date "
            f"of the meeting, on or after {long_date(gateway_date)}"
        )
    if window_end is not None and on > window_end:
        return (
            f"The planning meeting on {long_date(on)} is after the EPA window ends on "
            f"{long_date(window_end)}: the assessments are planned within the window. Check "
            "the date of the meeting"
        )
    latest = add_months(today, MEETING_MONTHS_AHEAD)
    if window_end is None and on > latest:
        return (
            f"The planning meeting on {long_date(on)} is more than {MEETING_MONTHS_AHEAD} "
            f"months away: check the year, and enter a date on or before {long_date(latest)}"
        )
    return None


def planned_outside_window_problem(
    method: str, planned: date, gateway_date: date | None, window_end: date | None
) -> str | None:
    """A method planned before the gateway or after the EPA window ends (a warning)."""
    if gateway_date is not None and planned < gateway_date:
        return (
            f"The {method} is planned for {long_date(planned)}, before the gateway on "
            f"{long_date(gateway_date)}: it cannot be booked before the gateway. Change the "
            "date, or confirm the plan as it is"
        )
    if window_end is not None and planned > window_end:
        return (
            f"The {method} is planned for {long_date(planned)}, after the EPA window ends on "
            f"{long_date(window_end)}: it can be booked after the window only with extenuating "
            "circumstances that extend it. Change the date, or confirm the plan as it is"
        )
    return None


def agreement_before_start_problem(agreed_on: date, start: date) -> str | None:
    """An employer agrees a resit or retake after the apprenticeship started, not before."""
    if agreed_on >= start:
        return None
    return (
        f"The date the employer agreed ({long_date(agreed_on)}) is before the apprenticeship "
        f"started on {long_date(start)}: a resit or retake is agreed after a fail. Enter the "
        "date the employer agreed to it"
    )
