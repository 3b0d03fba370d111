"""The pure rules of submissions: reports after a result and the number of interview questions."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification
from openepa.rules.submissions import (
    ProjectOutcome,
    interview_count_refusal,
    report_refusal,
    rework_deadline,
)


@pytest.fixture(scope="module")
def specs() -> dict[str, Specification]:
    return dict(load_catalogue().specifications)


FAIL = ProjectOutcome(grade="fail", released_on=date(2026, 7, 10), sitting_number=1)


def test_report_refusal_allows_any_report_before_a_result(specs: dict[str, Specification]) -> None:
    rework = specs["st0071-highfield"].reassessment.project_rework
    assert (
        report_refusal(outcome=None, rework=rework, later_sitting_kind=None, today=date(2030, 1, 1))
        is None
    )


def test_rework_deadline_is_one_month_after_the_fail_result(
    specs: dict[str, Specification],
) -> None:
    rework = specs["st0071-highfield"].reassessment.project_rework
    assert rework is not None
    assert rework_deadline(rework, date(2026, 7, 10)) == date(2026, 8, 10)
    assert rework_deadline(rework, date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("today", [date(2026, 7, 10), date(2026, 8, 10)])
def test_report_refusal_allows_a_rework_until_the_deadline(
    specs: dict[str, Specification], today: date
) -> None:
    rework = specs["st0071-highfield"].reassessment.project_rework
    assert report_refusal(outcome=FAIL, rework=rework, later_sitting_kind=None, today=today) is None


def test_report_refusal_refuses_a_rework_after_the_deadline_quoting_the_spec(
    specs: dict[str, Specification],
) -> None:
    rework = specs["st0071-highfield"].reassessment.project_rework
    message = report_refusal(
        outcome=FAIL, rework=rework, later_sitting_kind="resit", today=date(2026, 8, 11)
    )
    assert message is not None
    assert "had to be uploaded by 10 August 2026, 1 month after the fail result" in message
    assert "Apprentices will have 1 month to rework their submission." in message
    assert "Retake and resit information" in message


def test_report_refusal_allows_a_new_report_for_a_retake(specs: dict[str, Specification]) -> None:
    rework = specs["st0071-highfield"].reassessment.project_rework
    assert (
        report_refusal(
            outcome=FAIL, rework=rework, later_sitting_kind="retake", today=date(2027, 3, 1)
        )
        is None
    )


def test_report_refusal_without_a_rework_period_waits_for_a_resit_or_retake(
    specs: dict[str, Specification],
) -> None:
    assert specs["st0071-nqual"].reassessment.project_rework is None
    message = report_refusal(
        outcome=FAIL, rework=None, later_sitting_kind=None, today=date(2026, 7, 11)
    )
    assert message is not None
    assert "once the EPAO arranges a resit or retake" in message
    assert (
        report_refusal(
            outcome=FAIL, rework=None, later_sitting_kind="resit", today=date(2026, 7, 11)
        )
        is None
    )


def test_report_refusal_refuses_a_report_after_a_pass() -> None:
    passed = ProjectOutcome(grade="pass", released_on=date(2026, 7, 10), sitting_number=1)
    message = report_refusal(
        outcome=passed, rework=None, later_sitting_kind=None, today=date(2026, 7, 11)
    )
    assert message is not None
    assert "passed in the result released on 10 July 2026" in message


@pytest.mark.parametrize(("chosen", "refused"), [(9, True), (10, False), (11, True), (0, True)])
def test_interview_count_refusal_needs_exactly_the_specs_count(
    specs: dict[str, Specification], chosen: int, refused: bool
) -> None:
    rule = specs["st0071-highfield"].evidence.interview_questions
    assert rule is not None
    message = interview_count_refusal(chosen, rule)
    assert (message is not None) is refused
    if refused:
        assert message == (
            f"Choose exactly 10 questions: you chose {chosen}. The specification says: “the "
            "apprentice will be asked 10 competency-based questions by the end-point assessor” "
            "(Assessing the work-based project supported by an interview: Work-based project "
            "interview)."
        )
