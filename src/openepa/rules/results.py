"""When a result is due, and how its deadline reads: pure rules, no Django.

A specification may say how soon results are communicated after the last assessment, as a
time rule with ``event: result`` and ``after: last_assessment`` (NQual: "Results will be
communicated within 10 working days of final assessment."). Working days skip weekends and
England's bank holidays (:mod:`openepa.rules.dates`).
"""

from __future__ import annotations

from datetime import date

from openepa.rules.dates import describe, long_date, shift
from openepa.rules.model import Amount, Specification, TimeRule

RESULT_EVENT = "result"
LAST_ASSESSMENT = "last_assessment"
NO_DEADLINE = "no results deadline in the specification"


def results_rule(spec: Specification) -> TimeRule | None:
    """The specification's rule for how long after the last assessment results are due."""
    for rule in spec.time_rules:
        if rule.event == RESULT_EVENT and rule.after == LAST_ASSESSMENT and rule.at_most:
            return rule
    return None


def _amount(amount: Amount) -> tuple[str, int]:
    unit, value = next((k, v) for k, v in amount.model_dump().items() if v is not None)
    return unit, int(value)


def results_due(spec: Specification, last_assessment_on: date) -> tuple[date, str] | None:
    """The date results are due and the rule in words, or None if the specification sets none.

    The words name the rule and quote its source, e.g. "Results communicated: at most 10
    working days after the last assessment (EPA Timescale: “Results will be communicated
    within 10 working days of final assessment.”)".
    """
    rule = results_rule(spec)
    if rule is None or rule.at_most is None:
        return None
    unit, value = _amount(rule.at_most)
    due = shift(last_assessment_on, unit, value)
    words = f"{rule.name}: at most {describe(unit, value)} after the last assessment"
    source = rule.source.place
    if rule.source.quote:
        source += f": “{rule.source.quote}”"
    return due, f"{words} ({spec.epao.name}, {source})"


def deadline_words(due_on: date | None, today: date, released_on: date | None = None) -> str:
    """How the results deadline stands, as the release queue and result page show it.

    "due on 7 September 2026" while it is not passed; "breached: due on 7 September 2026"
    once today (or the release) is after it; "no results deadline in the specification"
    when there is none.
    """
    if due_on is None:
        return NO_DEADLINE
    if released_on is not None:
        if released_on > due_on:
            return f"breached: due on {long_date(due_on)}, released on {long_date(released_on)}"
        return f"released on time: due on {long_date(due_on)}"
    if today > due_on:
        return f"breached: due on {long_date(due_on)}"
    return f"due on {long_date(due_on)}"


def deadline_breached(due_on: date | None, today: date, released_on: date | None = None) -> bool:
    """Whether the results deadline has passed without (or before) the release."""
    if due_on is None:
        return False
    return (released_on or today) > due_on
