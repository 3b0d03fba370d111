"""The results deadline: when results are due after the last assessment, and how it reads."""

from __future__ import annotations

from datetime import date

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification
from openepa.rules.results import (
    NO_DEADLINE,
    deadline_breached,
    deadline_words,
    results_due,
    results_rule,
)


def _spec(spec_id: str) -> Specification:
    return load_catalogue().specification(spec_id)


def test_nquals_results_are_due_ten_working_days_after_the_last_assessment() -> None:
    # Friday 21 August 2026; Monday 31 August is the summer bank holiday, so the tenth
    # working day is Monday 7 September, not Friday 4 September.
    due = results_due(_spec("st0071-nqual"), date(2026, 8, 21))
    assert due is not None
    due_on, words = due
    assert due_on == date(2026, 9, 7)
    assert "at most 10 working days after the last assessment" in words
    assert "Results will be communicated within 10 working days of final assessment." in words


def test_a_specification_without_a_results_rule_has_no_deadline() -> None:
    spec = _spec("st0071-highfield")
    assert results_rule(spec) is None
    assert results_due(spec, date(2026, 8, 21)) is None
    assert deadline_words(None, date(2026, 9, 1)) == NO_DEADLINE


def test_the_deadline_is_due_until_it_passes_then_breached() -> None:
    due_on = date(2026, 9, 7)
    assert deadline_words(due_on, date(2026, 9, 7)) == "due on 7 September 2026"
    assert not deadline_breached(due_on, date(2026, 9, 7))
    assert deadline_words(due_on, date(2026, 9, 8)) == "breached: due on 7 September 2026"
    assert deadline_breached(due_on, date(2026, 9, 8))


def test_a_released_result_is_judged_by_its_release_date_not_today() -> None:
    due_on = date(2026, 9, 7)
    late = date(2026, 9, 9)
    assert deadline_words(due_on, date(2027, 1, 1), late).startswith("breached: due on 7 Sept")
    assert deadline_words(due_on, date(2027, 1, 1), due_on) == (
        "released on time: due on 7 September 2026"
    )
    assert not deadline_breached(due_on, date(2027, 1, 1), due_on)
