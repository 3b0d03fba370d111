"""Run every grading case written as data beside the specifications (specs/cases/*.yaml)."""

from __future__ import annotations

import pytest

from openepa.rules.cases import Case, mismatches, read_cases, run_case
from openepa.rules.errors import GradingInputError, ReassessmentRefused
from openepa.rules.loader import BUILTIN_DIR, load_catalogue

CATALOGUE = load_catalogue()
CASE_FILES = sorted((BUILTIN_DIR / "cases").glob("*.yaml"))
CASES = [case for file in CASE_FILES for case in read_cases(file)]


def test_every_specification_has_grading_cases() -> None:
    assert {file.stem for file in CASE_FILES} == set(CATALOGUE.specifications)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.spec_id}: {c.name}" for c in CASES])
def test_grading_case(case: Case) -> None:
    spec = CATALOGUE.specification(case.spec_id)
    if case.refused is not None:
        with pytest.raises((ReassessmentRefused, GradingInputError)) as caught:
            run_case(spec, case)
        assert case.refused in str(caught.value)
        return
    assert case.expected, "a case states what it expects"
    assert mismatches(case.expected, run_case(spec, case)) == []
