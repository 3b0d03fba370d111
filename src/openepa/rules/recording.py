"""What an assessor's record of a method must hold before it can be submitted, and its flags.

Each rule is one named function returning the message the assessor sees (or None when the
rule holds). The key is seed 002's: met (a tick), not met (a cross), met with a comment (a
bullet point) and question raised (Q). A question raised is not yet a judgement, so the
engine counts that criterion as not yet judged. A flag (:func:`questioning_overrun`) does not
stop a submission: the record keeps what happened and the IQA is told.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from fractions import Fraction

from openepa.rules.grading import Judgement
from openepa.rules.labels import mode_words
from openepa.rules.model import Duration, Method, Minutes, Specification

KEY: dict[str, str] = {
    "met": "Met (✓)",
    "not_met": "Not met (X)",
    "met_comment": "Met with a comment (•)",
    "question": "Question raised (Q)",
}
KEY_VALUES = tuple(KEY)


def engine_value(value: str) -> Judgement | None:
    """The engine's judgement for a key value: a question raised is not yet a judgement."""
    if value in ("met", "met_comment"):
        return "met"
    if value == "not_met":
        return "not_met"
    return None


@dataclass(frozen=True)
class Entry:
    """One criterion's entry in a record: its key value and comment."""

    value: str
    comment: str = ""


@dataclass(frozen=True)
class RecordData:
    """What a record holds, as plain data, for the submission rules."""

    method_id: str
    today: date
    assessed_on: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    mode: str = ""
    occasions: Sequence[int] = ()
    questioning_minutes: int | None = None
    interview_questions: int = 0
    feedback: str = ""
    entries: Mapping[str, Entry] = field(default_factory=dict)
    exempt_criteria: frozenset[str] = frozenset()


def _quote(place: str, quote: str | None) -> str:
    return f' ("{quote}", {place})' if quote else f" ({place})"


def method_of(spec: Specification, method_id: str) -> Method:
    """The method of ``spec`` with this id; KeyError names the methods that exist."""
    for method in spec.methods:
        if method.id == method_id:
            return method
    raise KeyError(f"{spec.id} has no method {method_id}: {', '.join(m.id for m in spec.methods)}")


def questioning_limit(spec: Specification, method_id: str) -> Minutes | None:
    """The specification's limit on the method's question-and-answer time, if it sets one."""
    limit = spec.evidence.observation_questioning
    if limit is None or limit.method != method_id:
        return None
    return limit


def questioning_not_recorded(
    spec: Specification, method_id: str, minutes: int | None
) -> str | None:
    """Where the specification limits the questioning, the minutes used must be recorded."""
    limit = questioning_limit(spec, method_id)
    if limit is None or minutes is not None:
        return None
    return (
        "Enter the minutes of the question and answer session actually used (the limit is "
        f"{limit.max_minutes} minutes)."
    )


def questioning_zero(spec: Specification, method_id: str, minutes: int | None) -> str | None:
    """Questioning the specification makes part of the method cannot have taken 0 minutes."""
    limit = questioning_limit(spec, method_id)
    if limit is None or minutes != 0:
        return None
    return (
        "Enter the minutes the question and answer session actually lasted: questioning is "
        "part of this method, so it cannot be 0 minutes; the limit is "
        f"{limit.max_minutes} minutes{_quote(limit.source.place, limit.source.quote)}."
    )


def questioning_overrun(spec: Specification, method_id: str, minutes: int | None) -> str | None:
    """The questioning ran over the specification's limit: recorded as used, flagged for the IQA.

    The source caps the questioning the assessor may do, not what is written down, so the
    minutes actually used are kept and the record is not refused.
    """
    limit = questioning_limit(spec, method_id)
    if limit is None or minutes is None or minutes <= limit.max_minutes:
        return None
    return (
        f"The question and answer session lasted {minutes} minutes, "
        f"{minutes - limit.max_minutes} over the limit of {limit.max_minutes} minutes"
        f"{_quote(limit.source.place, limit.source.quote)}: flagged for the IQA."
    )


def interview_count_wrong(spec: Specification, method_id: str, count: int) -> str | None:
    """The interview does not use exactly the number of questions the specification sets."""
    rule = spec.evidence.interview_questions
    if rule is None or rule.method != method_id or count == rule.count:
        return None
    return (
        f"Choose exactly {rule.count} interview questions: {count} chosen"
        f"{_quote(rule.source.place, rule.source.quote)}."
    )


def _bounds(duration: Duration) -> tuple[Fraction | None, Fraction | None]:
    minutes = Fraction(duration.minutes)
    if duration.limit == "maximum":
        return None, minutes
    if duration.limit == "minimum":
        return minutes, None
    return (
        minutes * (100 - duration.below_percent) / 100,
        minutes * (100 + duration.above_percent) / 100,
    )


def occasions_short(method: Method, occasions: Sequence[int]) -> str | None:
    """Occasions of a method taken on several occasions do not add up to the required time.

    Only a method whose duration allows more than one occasion (Active IQ's observation) is
    checked; the occasions together must reach the lower bound of its duration (the
    target itself when the source gives no tolerance).
    """
    for duration in method.duration:
        if duration.occasions != "one_or_more" or not occasions:
            continue
        low, _ = _bounds(duration)
        required = low if low is not None else Fraction(duration.minutes)
        total = sum(occasions)
        if total >= required:
            return None
        return (
            f"The {len(occasions)} occasion{'s' if len(occasions) != 1 else ''} recorded add up "
            f"to {total} minutes: the {method.name} needs {float(required):g} minutes "
            f"altogether{_quote(duration.source.place, duration.source.quote)}. Add the "
            f"occasion that is missing or correct the minutes."
        )
    return None


def several_occasions_not_allowed(method: Method, occasions: Sequence[int]) -> str | None:
    """A method taken in one session has more than one occasion recorded."""
    if len(occasions) <= 1 or any(d.occasions == "one_or_more" for d in method.duration):
        return None
    return (
        f"The {method.name} takes place in one session: record one occasion, not {len(occasions)}."
    )


def times_inverted(starts_at: time | None, ends_at: time | None) -> str | None:
    """The assessment ends before (or when) it starts."""
    if starts_at is None or ends_at is None or ends_at > starts_at:
        return None
    return (
        f"The end time {ends_at:%H:%M} must be after the start time {starts_at:%H:%M}: "
        "correct one of them."
    )


def assessed_in_future(assessed_on: date | None, today: date) -> str | None:
    """An assessment cannot be recorded for a date that has not come yet."""
    if assessed_on is None or assessed_on <= today:
        return None
    return (
        f"The date of assessment {assessed_on:%-d %B %Y} is in the future: record the "
        "assessment on or after the day it took place."
    )


def mode_not_allowed(method: Method, mode: str) -> str | None:
    """The mode recorded is not one the specification allows for the method."""
    if not mode or method.modes is None or mode in method.modes.allowed:
        return None
    allowed = ", ".join(mode_words(m) for m in method.modes.allowed)
    return (
        f"The {method.name} cannot be carried out {mode_words(mode)}: allowed "
        f"{allowed}{_quote(method.modes.source.place, method.modes.source.quote)}."
    )


def comment_missing(criterion_id: str, entry: Entry) -> str | None:
    """Met with a comment and question raised need the comment or the question."""
    if entry.value not in ("met_comment", "question") or entry.comment.strip():
        return None
    what = "the comment" if entry.value == "met_comment" else "the question raised"
    return f"{criterion_id}: write {what} (the key says {KEY[entry.value].lower()})."


def unjudged_criteria(method: Method, data: RecordData) -> str | None:
    """Every criterion must be judged met or not met before the record is submitted."""
    open_ids = [
        c.id
        for c in method.criteria
        if c.id not in data.exempt_criteria
        and (c.id not in data.entries or engine_value(data.entries[c.id].value) is None)
    ]
    if not open_ids:
        return None
    questions = [c for c in open_ids if c in data.entries]
    detail = f" ({len(questions)} with a question raised)" if questions else ""
    shown = ", ".join(open_ids[:12]) + (" …" if len(open_ids) > 12 else "")
    return (
        f"{len(open_ids)} criteria are not yet judged met or not met{detail}: {shown}. "
        "Judge each one before submitting."
    )


def submission_problems(spec: Specification, data: RecordData) -> list[str]:
    """Everything that stops a record from being submitted, in the order of the form."""
    method = method_of(spec, data.method_id)
    problems: list[str | None] = []
    if data.assessed_on is None:
        problems.append("Enter the date of assessment.")
    problems.append(assessed_in_future(data.assessed_on, data.today))
    if data.starts_at is None or data.ends_at is None:
        problems.append("Enter the start and end times of the assessment.")
    problems.append(times_inverted(data.starts_at, data.ends_at))
    if not data.mode:
        problems.append("Choose how the assessment was carried out.")
    problems.append(mode_not_allowed(method, data.mode))
    problems.append(occasions_short(method, data.occasions))
    problems.append(several_occasions_not_allowed(method, data.occasions))
    problems.append(questioning_not_recorded(spec, method.id, data.questioning_minutes))
    problems.append(questioning_zero(spec, method.id, data.questioning_minutes))
    problems.append(interview_count_wrong(spec, method.id, data.interview_questions))
    problems.append(unjudged_criteria(method, data))
    problems.extend(comment_missing(cid, entry) for cid, entry in data.entries.items())
    if not data.feedback.strip():
        problems.append("Write your feedback to the apprentice.")
    return [problem for problem in problems if problem]
