"""The rules an assessor's record must meet: one test per rule, both sides of each limit."""

from __future__ import annotations

from datetime import date, time

import pytest

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification
from openepa.rules.recording import (
    Entry,
    RecordData,
    assessed_in_future,
    comment_missing,
    engine_value,
    interview_count_wrong,
    method_of,
    mode_not_allowed,
    occasions_short,
    questioning_not_recorded,
    questioning_overrun,
    questioning_zero,
    several_occasions_not_allowed,
    submission_problems,
    times_inverted,
    unjudged_criteria,
)

TODAY = date(2026, 9, 20)


def _spec(spec_id: str) -> Specification:
    return load_catalogue().specification(spec_id)


@pytest.fixture
def highfield() -> Specification:
    return _spec("st0071-highfield")


@pytest.fixture
def activeiq() -> Specification:
    return _spec("st0072-activeiq")


def test_engine_value_counts_a_question_raised_as_not_yet_judged() -> None:
    assert engine_value("met") == "met"
    assert engine_value("met_comment") == "met"
    assert engine_value("not_met") == "not_met"
    assert engine_value("question") is None


def test_method_of_names_the_methods_that_exist(highfield: Specification) -> None:
    assert method_of(highfield, "observation").id == "observation"
    with pytest.raises(KeyError, match="project, discussion, observation"):
        method_of(highfield, "showcase")


def test_questioning_overrun_at_highfield_is_recorded_and_flagged_not_refused(
    highfield: Specification,
) -> None:
    assert questioning_overrun(highfield, "observation", 9) is None
    flag = questioning_overrun(highfield, "observation", 12)
    assert flag is not None
    assert flag.startswith(
        "The question and answer session lasted 12 minutes, 3 over the limit of 9 minutes"
    )
    assert "should not exceed 9 minutes" in flag  # the specification's own words
    assert flag.endswith("flagged for the IQA.")
    # 12 minutes is no reason to refuse the record: the source caps the questioning.
    assert (
        submission_problems(highfield, _complete(highfield, "observation", questioning_minutes=12))
        == []
    )
    # The limit is the observation's only; no limit where the specification sets none.
    assert questioning_overrun(highfield, "discussion", 30) is None
    assert questioning_overrun(_spec("st0071-epakit"), "observation", 30) is None


def test_questioning_zero_is_refused_where_questioning_is_part_of_the_method(
    highfield: Specification,
) -> None:
    message = questioning_zero(highfield, "observation", 0)
    assert message is not None
    assert "cannot be 0 minutes" in message
    assert "the limit is 9 minutes" in message
    assert questioning_zero(highfield, "observation", 1) is None
    assert questioning_zero(highfield, "observation", None) is None
    assert questioning_zero(_spec("st0071-epakit"), "observation", 0) is None
    assert message in submission_problems(
        highfield, _complete(highfield, "observation", questioning_minutes=0)
    )


def test_questioning_not_recorded_states_the_limit(highfield: Specification) -> None:
    assert questioning_not_recorded(highfield, "observation", None) == (
        "Enter the minutes of the question and answer session actually used (the limit is "
        "9 minutes)."
    )
    assert questioning_not_recorded(highfield, "observation", 12) is None
    assert questioning_not_recorded(highfield, "project", None) is None


def test_interview_count_wrong_needs_exactly_ten_questions(highfield: Specification) -> None:
    assert interview_count_wrong(highfield, "project", 10) is None
    for count in (9, 11):
        message = interview_count_wrong(highfield, "project", count)
        assert message is not None
        assert f"Choose exactly 10 interview questions: {count} chosen" in message
        assert "10 competency-based questions" in message
    assert interview_count_wrong(highfield, "discussion", 3) is None


def test_occasions_short_at_active_iq_60_minutes_enough_59_short(
    activeiq: Specification,
) -> None:
    observation = method_of(activeiq, "observation")
    assert occasions_short(observation, [30, 30]) is None
    assert occasions_short(observation, [60]) is None
    message = occasions_short(observation, [30, 29])
    assert message is not None
    assert "The 2 occasions recorded add up to 59 minutes" in message
    assert "needs 60 minutes altogether" in message
    assert "making up approximately one hour altogether" in message
    # A method taken in one session is not checked by this rule.
    assert occasions_short(method_of(activeiq, "discussion"), [10]) is None


def test_several_occasions_not_allowed_for_a_method_in_one_session(
    highfield: Specification, activeiq: Specification
) -> None:
    observation = method_of(highfield, "observation")
    assert several_occasions_not_allowed(observation, [60]) is None
    message = several_occasions_not_allowed(observation, [30, 30])
    assert message is not None
    assert "record one occasion, not 2" in message
    assert several_occasions_not_allowed(method_of(activeiq, "observation"), [20, 20, 20]) is None


def test_times_inverted() -> None:
    assert times_inverted(time(10, 0), time(11, 0)) is None
    assert times_inverted(None, time(11, 0)) is None
    message = times_inverted(time(11, 0), time(10, 0))
    assert message == "The end time 10:00 must be after the start time 11:00: correct one of them."
    assert times_inverted(time(10, 0), time(10, 0)) is not None


def test_assessed_in_future() -> None:
    assert assessed_in_future(TODAY, TODAY) is None
    assert assessed_in_future(date(2026, 9, 19), TODAY) is None
    message = assessed_in_future(date(2026, 9, 21), TODAY)
    assert message is not None
    assert "21 September 2026 is in the future" in message


def test_mode_not_allowed(highfield: Specification, activeiq: Specification) -> None:
    discussion = method_of(highfield, "discussion")  # face to face only
    assert mode_not_allowed(discussion, "face_to_face") is None
    assert mode_not_allowed(discussion, "") is None
    message = mode_not_allowed(discussion, "remote")
    assert message is not None
    assert "cannot be carried out remote: allowed face to face" in message
    # Active IQ's showcase names no modes: any is accepted.
    assert mode_not_allowed(method_of(activeiq, "showcase"), "remote") is None


def test_comment_missing_for_met_with_a_comment_and_question_raised() -> None:
    assert comment_missing("PO1", Entry("met")) is None
    assert comment_missing("PO1", Entry("not_met")) is None
    assert comment_missing("PO1", Entry("met_comment", "Good example")) is None
    assert comment_missing("PO1", Entry("question", "Ask about returns")) is None
    assert comment_missing("PO1", Entry("met_comment", "  ")) == (
        "PO1: write the comment (the key says met with a comment (•))."
    )
    assert comment_missing("PO1", Entry("question")) == (
        "PO1: write the question raised (the key says question raised (q))."
    )


def test_unjudged_criteria_counts_questions_and_skips_exempt(activeiq: Specification) -> None:
    showcase = method_of(activeiq, "showcase")
    ids = [c.id for c in showcase.criteria]
    everything = {cid: Entry("met") for cid in ids}
    data = RecordData(method_id="showcase", today=TODAY, entries=everything)
    assert unjudged_criteria(showcase, data) is None
    with_question = {**everything, ids[0]: Entry("question", "Why?")}
    data = RecordData(method_id="showcase", today=TODAY, entries=with_question)
    message = unjudged_criteria(showcase, data)
    assert message is not None
    assert "1 criteria are not yet judged" in message
    assert "(1 with a question raised)" in message
    conflict = {c.id for c in showcase.criteria if c.element == "conflict-case-study"}
    partial = {cid: e for cid, e in everything.items() if cid not in conflict}
    data = RecordData(method_id="showcase", today=TODAY, entries=partial)
    assert unjudged_criteria(showcase, data) is not None
    exempted = RecordData(
        method_id="showcase", today=TODAY, entries=partial, exempt_criteria=frozenset(conflict)
    )
    assert unjudged_criteria(showcase, exempted) is None


def _complete(spec: Specification, method_id: str, **fields: object) -> RecordData:
    method = method_of(spec, method_id)
    values: dict[str, object] = {
        "method_id": method_id,
        "today": TODAY,
        "assessed_on": date(2026, 9, 15),
        "starts_at": time(10, 0),
        "ends_at": time(11, 0),
        "mode": "face_to_face",
        "feedback": "Well done.",
        "entries": {c.id: Entry("met") for c in method.criteria},
    }
    values.update(fields)
    return RecordData(**values)  # type: ignore[arg-type]


def test_submission_problems_of_a_complete_record_are_none(highfield: Specification) -> None:
    assert (
        submission_problems(highfield, _complete(highfield, "observation", questioning_minutes=9))
        == []
    )
    assert (
        submission_problems(
            highfield, _complete(highfield, "project", interview_questions=10, mode="remote")
        )
        == []
    )


def test_submission_problems_list_everything_missing_in_form_order(
    highfield: Specification,
) -> None:
    data = RecordData(method_id="observation", today=TODAY)
    problems = submission_problems(highfield, data)
    assert problems[:4] == [
        "Enter the date of assessment.",
        "Enter the start and end times of the assessment.",
        "Choose how the assessment was carried out.",
        "Enter the minutes of the question and answer session actually used (the limit is "
        "9 minutes).",
    ]
    assert "22 criteria are not yet judged met or not met" in problems[4]
    assert problems[-1] == "Write your feedback to the apprentice."
