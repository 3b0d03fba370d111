"""What the apprentice may submit for a method, and how many interview questions are asked.

Nothing here imports Django. The functions take plain values (dates, the specification's rule
objects) and return ``None`` when something is allowed or the message the user sees when it is
refused: what is wrong, why (quoting the specification) and how to put it right.

Reports after a result
    Before any result for the project, a new report replaces the earlier one (the earlier is
    kept, marked superseded). After a released result that fails the project, a specification
    with ``reassessment.project_rework`` (Highfield: 1 month after the fail result) lets a
    reworked report be uploaded until the result's release date plus that period, inclusive;
    after that, or on a specification without a rework period, a new report belongs to a
    retake (or, without a rework period, a resit or retake) of the project that the EPAO
    arranges as a new sitting. A passed project takes no further report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openepa.rules.dates import describe, long_date, shift
from openepa.rules.model import Count, Period, Source


@dataclass(frozen=True)
class ProjectOutcome:
    """The latest released result for the project: its grade, when, and for which sitting."""

    grade: str
    released_on: date
    sitting_number: int


def source_sentence(source: Source) -> str:
    """The specification's words and where they are, as a sentence."""
    if source.quote:
        return f"The specification says: “{source.quote.strip()}” ({source.place.strip()})."
    return f"See the specification: {source.place.strip()}."


def rework_deadline(rework: Period, released_on: date) -> date:
    """The last day a reworked report may be uploaded: the release date plus the period."""
    return shift(released_on, rework.amount.unit, rework.amount.value)


def report_refusal(
    *,
    outcome: ProjectOutcome | None,
    rework: Period | None,
    later_sitting_kind: str | None,
    today: date,
    what: str = "report",
) -> str | None:
    """Why a (new) project report cannot be uploaded today, or None when it can.

    ``outcome`` is the latest released result for the project; ``later_sitting_kind`` the
    kind ("resit" or "retake") of a sitting arranged after that result which includes the
    project, if there is one. ``what`` names what is uploaded ("report", "showcase").
    """
    if outcome is None:
        return None
    released = long_date(outcome.released_on)
    if outcome.grade != "fail":
        return (
            f"This method was passed in the result released on {released}: no further {what} "
            "is needed. Contact the EPAO if you think this is wrong."
        )
    if later_sitting_kind == "retake" or (rework is None and later_sitting_kind is not None):
        return None
    if rework is None:
        return (
            f"This method was failed in the result released on {released} and this "
            f"specification gives no period to rework the {what}: a new {what} can be uploaded "
            "once the EPAO arranges a resit or retake."
        )
    deadline = rework_deadline(rework, outcome.released_on)
    if today <= deadline:
        return None
    period = describe(rework.amount.unit, rework.amount.value)
    return (
        f"The reworked report had to be uploaded by {long_date(deadline)}, {period} after the fail "
        f"result released on {released}. {source_sentence(rework.source)} Ask the EPAO about "
        "a retake of the project."
    )


def interview_count_refusal(chosen: int, rule: Count) -> str | None:
    """Why ``chosen`` questions cannot be the interview's questions, or None when it is the count.

    The specification sets an exact number (10 for the ST0071 work-based project interview).
    """
    if chosen == rule.count:
        return None
    return (
        f"Choose exactly {rule.count} questions: you chose {chosen}. {source_sentence(rule.source)}"
    )
