"""Properties that hold for every specification, whatever the judgements."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from openepa.rules.grading import RANK, GradeRequest, MethodInput, grade
from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification

CATALOGUE = load_catalogue()
SPECS = sorted(CATALOGUE.specifications.values(), key=lambda spec: spec.id)


@st.composite
def complete_judgements(draw: Any) -> tuple[Specification, dict[str, dict[str, str]], str]:
    """A specification, a complete set of judgements and one criterion id judged not met."""
    spec = draw(st.sampled_from(SPECS))
    judgements = {
        method.id: {
            criterion.id: draw(st.sampled_from(["met", "not_met"])) for criterion in method.criteria
        }
        for method in spec.methods
    }
    judgements[spec.methods[0].id][spec.methods[0].criteria[0].id] = "not_met"
    not_met = [
        (method_id, criterion)
        for method_id, given in judgements.items()
        for criterion, value in given.items()
        if value == "not_met"
    ]
    method_id, criterion = draw(st.sampled_from(not_met))
    return spec, judgements, f"{method_id}/{criterion}"


def _grade(
    spec: Specification, judgements: dict[str, dict[str, str]], attempt: str = "first"
) -> Any:
    methods = {
        method_id: MethodInput(judgements=given, attempt=attempt)  # type: ignore[arg-type]
        for method_id, given in judgements.items()
    }
    return grade(spec, GradeRequest(spec.id, methods))


@settings(max_examples=300, deadline=None)
@given(complete_judgements(), st.sampled_from(["first", "resit", "retake"]))
def test_meeting_one_more_criterion_never_lowers_a_grade(
    case: tuple[Specification, dict[str, dict[str, str]], str], attempt: str
) -> None:
    spec, judgements, flip = case
    before = _grade(spec, judgements, attempt)
    method_id, _, criterion = flip.partition("/")
    judgements[method_id][criterion] = "met"
    after = _grade(spec, judgements, attempt)
    for old, new in zip(before.methods, after.methods, strict=True):
        assert RANK[new.grade] >= RANK[old.grade]
    assert RANK[after.overall.grade] >= RANK[before.overall.grade]


@settings(max_examples=300, deadline=None)
@given(complete_judgements(), st.sampled_from(["first", "resit", "retake"]))
def test_overall_grade_is_never_above_the_lowest_method_grade(
    case: tuple[Specification, dict[str, dict[str, str]], str], attempt: str
) -> None:
    spec, judgements, _ = case
    result = _grade(spec, judgements, attempt)
    lowest = min(RANK[method.grade] for method in result.methods)
    assert RANK[result.overall.grade] <= lowest


@settings(max_examples=200, deadline=None)
@given(complete_judgements(), st.data())
def test_leaving_any_criterion_unjudged_never_gives_a_final_pass_or_distinction(
    case: tuple[Specification, dict[str, dict[str, str]], str], data: Any
) -> None:
    spec, judgements, _ = case
    method = data.draw(st.sampled_from(spec.methods))
    criterion = data.draw(st.sampled_from(method.criteria))
    del judgements[method.id][criterion.id]
    result = _grade(spec, judgements)
    graded = next(m for m in result.methods if m.id == method.id)
    assert graded.grade in ("incomplete", "fail")
    assert result.overall.grade in ("incomplete", "fail") or graded.grade == "fail"
    if graded.grade == "incomplete":
        assert result.overall.grade == "incomplete"
