"""The grading engine on a small specification: each rule on both sides of its limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openepa.rules.errors import GradingInputError, ReassessmentRefused
from openepa.rules.grading import GradeRequest, MethodInput, distinction_needed, grade
from openepa.rules.loader import load_catalogue
from openepa.rules.model import DistinctionRule, Specification


def load(data: dict[str, Any], write_spec: Callable[..., Path]) -> Specification:
    return load_catalogue(write_spec(data)).specification(data["id"])


def all_met(spec: Specification, method_id: str, **changes: str) -> MethodInput:
    method = next(m for m in spec.methods if m.id == method_id)
    judgements: dict[str, Any] = {c.id: "met" for c in method.criteria}
    judgements.update(changes)
    return MethodInput(judgements={k: v for k, v in judgements.items() if v != "unjudged"})


@pytest.mark.parametrize(
    ("rule", "total", "needed"),
    [
        (DistinctionRule(rule="all"), 3, 3),
        (DistinctionRule(rule="at_least_count", value=4), 5, 4),
        (DistinctionRule(rule="at_least_percent", value=70, rounding="up"), 10, 7),
        (DistinctionRule(rule="at_least_percent", value=70, rounding="up"), 11, 8),
        (DistinctionRule(rule="at_least_percent", value=75, rounding="up"), 4, 3),
        (DistinctionRule(rule="at_least_percent", value=80, rounding="up"), 5, 4),
    ],
)
def test_distinction_needed_rounds_up(rule: DistinctionRule, total: int, needed: int) -> None:
    assert distinction_needed(rule, total) == needed


def test_every_pass_criterion_met_gives_pass(spec_data: dict[str, Any], write_spec: Any) -> None:
    spec = load(spec_data, write_spec)
    given = all_met(spec, "observation", **{"OBS-D1": "not_met", "OBS-D2": "not_met"})
    result = grade(spec, GradeRequest(spec.id, {"observation": given}))
    observation = result.methods[0]
    assert observation.grade == "pass"
    assert (observation.tally.distinction_met, observation.tally.distinction_needed) == (1, 2)


def test_at_least_count_reached_gives_distinction(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(spec_data, write_spec)
    given = all_met(spec, "observation", **{"OBS-D1": "not_met"})
    assert (
        grade(spec, GradeRequest(spec.id, {"observation": given})).methods[0].grade == "distinction"
    )


def test_pass_criterion_not_met_fails_even_while_others_are_unjudged(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(spec_data, write_spec)
    given = MethodInput(judgements={"OBS-P1": "not_met"})
    observation = grade(spec, GradeRequest(spec.id, {"observation": given})).methods[0]
    assert observation.grade == "fail"
    assert observation.tally.pass_not_met == ("OBS-P1",)
    assert "OBS-P2" in observation.tally.missing


def test_unjudged_criterion_leaves_method_and_overall_incomplete(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(spec_data, write_spec)
    request = GradeRequest(
        spec.id,
        {
            "observation": all_met(spec, "observation", **{"OBS-D3": "unjudged"}),
            "discussion": all_met(spec, "discussion"),
        },
    )
    result = grade(spec, request)
    assert result.methods[0].grade == "incomplete"
    assert result.methods[0].tally.missing == ("OBS-D3",)
    assert result.overall.grade == "incomplete"
    assert "observation" in result.overall.reason


def test_overall_distinction_needs_distinction_in_every_method(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(spec_data, write_spec)
    request = GradeRequest(
        spec.id,
        {
            "observation": all_met(spec, "observation"),
            "discussion": all_met(spec, "discussion", **{"PD-D1": "not_met"}),
        },
    )
    result = grade(spec, request)
    assert [m.grade for m in result.methods] == ["distinction", "pass"]
    assert result.overall.grade == "pass"


def test_unknown_criterion_is_refused(spec_data: dict[str, Any], write_spec: Any) -> None:
    spec = load(spec_data, write_spec)
    with pytest.raises(GradingInputError, match="unknown criterion 'OBS-P9'"):
        grade(spec, GradeRequest(spec.id, {"observation": MethodInput({"OBS-P9": "met"})}))


def test_unknown_method_is_refused(spec_data: dict[str, Any], write_spec: Any) -> None:
    spec = load(spec_data, write_spec)
    with pytest.raises(GradingInputError, match="unknown method project"):
        grade(spec, GradeRequest(spec.id, {"project": MethodInput()}))


def _with_policy(spec_data: dict[str, Any], **policy: Any) -> dict[str, Any]:
    source = {"place": "Resits"}
    spec_data["reassessment"] = {
        "cap": {"grade": "pass", "applies_to": ["resit", "retake"], "source": source, **policy},
        "improving_a_pass_refused": {"value": True, "source": {**source, "quote": "Not offered."}},
    }
    return spec_data


def test_method_cap_makes_a_resit_distinction_a_pass(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(_with_policy(spec_data, scope="method"), write_spec)
    given = MethodInput(all_met(spec, "discussion").judgements, attempt="resit")
    discussion = grade(spec, GradeRequest(spec.id, {"discussion": given})).methods[1]
    assert (discussion.grade, discussion.capped) == ("pass", True)


def test_exceptional_circumstances_lift_the_cap_only_where_the_policy_says(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    for lifted, expected in ((True, "distinction"), (False, "pass")):
        data = _with_policy(
            __import__("copy").deepcopy(spec_data),
            scope="method",
            lifted_by_exceptional_circumstances=lifted,
        )
        data["id"] = f"st0071-lift-{str(lifted).lower()}"
        spec = load(data, write_spec)
        given = MethodInput(all_met(spec, "discussion").judgements, attempt="retake")
        request = GradeRequest(spec.id, {"discussion": given}, exceptional_circumstances=True)
        assert grade(spec, request).methods[1].grade == expected


def test_overall_cap_keeps_method_grade_and_caps_the_epa_grade(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(_with_policy(spec_data, scope="overall"), write_spec)
    request = GradeRequest(
        spec.id,
        {
            "observation": all_met(spec, "observation"),
            "discussion": MethodInput(all_met(spec, "discussion").judgements, attempt="resit"),
        },
    )
    result = grade(spec, request)
    assert result.methods[1].grade == "distinction"
    assert (result.overall.grade, result.overall.capped) == ("pass", True)


def test_resit_to_improve_a_pass_is_refused(spec_data: dict[str, Any], write_spec: Any) -> None:
    spec = load(_with_policy(spec_data, scope="method"), write_spec)
    given = MethodInput(
        all_met(spec, "discussion").judgements, attempt="resit", previous_grade="pass"
    )
    with pytest.raises(ReassessmentRefused, match=r"already graded pass.*Not offered"):
        grade(spec, GradeRequest(spec.id, {"discussion": given}))


def test_exceptional_circumstances_lift_an_overall_cap_where_the_policy_says(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(
        _with_policy(spec_data, scope="overall", lifted_by_exceptional_circumstances=True),
        write_spec,
    )
    methods = {
        "observation": all_met(spec, "observation"),
        "discussion": MethodInput(all_met(spec, "discussion").judgements, attempt="resit"),
    }
    lifted = grade(spec, GradeRequest(spec.id, methods, exceptional_circumstances=True))
    capped = grade(spec, GradeRequest(spec.id, methods, exceptional_circumstances=False))
    assert (lifted.overall.grade, lifted.overall.capped) == ("distinction", False)
    assert (capped.overall.grade, capped.overall.capped) == ("pass", True)


def test_overall_result_says_when_a_method_cap_kept_it_below_distinction(
    spec_data: dict[str, Any], write_spec: Any
) -> None:
    spec = load(_with_policy(spec_data, scope="method"), write_spec)
    request = GradeRequest(
        spec.id,
        {
            "observation": all_met(spec, "observation"),
            "discussion": MethodInput(all_met(spec, "discussion").judgements, attempt="resit"),
        },
    )
    overall = grade(spec, request).overall
    assert (overall.grade, overall.capped) == ("pass", True)
    assert "discussion was a resit or retake" in overall.reason


def test_the_overall_reason_follows_the_method_order_whatever_the_key_order() -> None:
    """A specification read back from PostgreSQL's jsonb has its keys in another order."""
    spec = load_catalogue().specification("st0071-nqual")
    content = spec.model_dump(mode="json", by_alias=True)
    content["overall"]["table"] = [
        dict(reversed(row.items())) for row in content["overall"]["table"]
    ]
    shuffled = Specification.model_validate(content)
    request = GradeRequest(
        spec_id=spec.id, methods={m.id: all_met(spec, m.id) for m in spec.methods}
    )
    assert grade(shuffled, request).overall.reason == grade(spec, request).overall.reason
    order = [m.name for m in spec.methods]
    reason = grade(spec, request).overall.reason
    assert [reason.index(f"{method} ") for method in order] == sorted(
        reason.index(f"{method} ") for method in order
    )
