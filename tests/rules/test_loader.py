"""The loader refuses every malformed specification with a message naming file, path and fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openepa.rules.errors import SpecError
from openepa.rules.loader import load_catalogue

WriteSpec = Callable[..., Path]


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_catalogue(folder)
    return [str(problem) for problem in caught.value.problems]


def test_minimal_spec_loads(spec_data: dict[str, Any], write_spec: WriteSpec) -> None:
    catalogue = load_catalogue(write_spec(spec_data))
    assert list(catalogue.specifications) == ["st0071-test"]


def test_unknown_key_is_refused_with_the_allowed_keys(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["methods"][0]["criteria"][0]["kindd"] = "pass"
    (problem,) = problems_of(write_spec(spec_data))
    assert "st0071-test.yaml:" in problem
    assert "methods[observation].criteria[OBS-P1].kindd" in problem
    assert "unknown key 'kindd'" in problem
    assert "allowed keys: id, kind, text, area" in problem


def test_duplicate_key_is_refused_naming_both_lines(tmp_path: Path) -> None:
    (tmp_path / "st0071-dup.yaml").write_text(
        "id: st0071-dup\ntitle: One\ntitle: Two\n", encoding="utf-8"
    )
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("st0071-dup.yaml:3: title:")
    assert "duplicate key 'title' (first given on line 2)" in problem


def test_duplicate_criterion_id_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["methods"][1]["criteria"][0]["id"] = "OBS-P1"
    (problem,) = problems_of(write_spec(spec_data))
    assert "duplicate criterion id 'OBS-P1'" in problem


def test_rule_naming_an_unknown_method_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["methods"][1]["order"] = {
        "after": ["observaton"],
        "strength": "required",
        "source": {"place": "Order"},
    }
    (problem,) = problems_of(write_spec(spec_data))
    assert "methods[discussion].order.after" in problem
    assert "unknown method 'observaton'; allowed: observation" in problem


def test_time_rule_naming_an_unknown_method_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["time_rules"] = [
        {
            "id": "notice",
            "name": "Notice",
            "event": "booking:project",
            "before": "assessment:observation",
            "at_least": {"weeks": 2},
            "source": {"place": "X"},
        }
    ]
    (problem,) = problems_of(write_spec(spec_data))
    assert "time_rules[notice].event" in problem
    assert "unknown method 'project'" in problem


def test_rule_naming_an_unknown_criterion_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["question_banks"] = [
        {
            "id": "questions",
            "name": "Questions",
            "method": "discussion",
            "use": "set",
            "source": {"place": "X"},
            "questions": [{"number": 1, "text": "Why?", "criteria": ["PD-P9"]}],
        }
    ]
    (problem,) = problems_of(write_spec(spec_data))
    assert "unknown criterion 'PD-P9' of method 'discussion'" in problem


def test_threshold_larger_than_the_criteria_it_counts_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["methods"][0]["grading"]["distinction"]["value"] = 4
    (problem,) = problems_of(write_spec(spec_data))
    assert "methods[observation].grading.distinction.value" in problem
    assert "needs 4 distinction criteria but 'observation' has only 3; allowed: 1 to 3" in problem


def test_missing_source_reference_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    del spec_data["methods"][0]["criteria"][2]["source"]
    (problem,) = problems_of(write_spec(spec_data))
    assert "methods[observation].criteria[OBS-D1].source" in problem
    assert "required key 'source' is missing; every rule needs a source reference" in problem


def test_unquoted_version_is_refused_with_the_fix(
    tmp_path: Path, spec_data: dict[str, Any]
) -> None:
    import yaml

    text = yaml.safe_dump(spec_data, sort_keys=False).replace("version: '1.2'", "version: 1.2")
    (tmp_path / "st0071-test.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems_of(tmp_path)
    assert "version: must be text; got 1.2 (put it in quotes)" in problem


def test_unknown_area_is_refused(spec_data: dict[str, Any], write_spec: WriteSpec) -> None:
    spec_data["methods"][0]["criteria"][0]["area"] = "customer-journeys"
    (problem,) = problems_of(write_spec(spec_data))
    assert "unknown area 'customer-journeys'; allowed: business-focused-delivery" in problem


def test_unknown_ksb_is_refused(spec_data: dict[str, Any], write_spec: WriteSpec) -> None:
    spec_data["methods"][0]["criteria"][0]["ksbs"] = ["S8"]
    (problem,) = problems_of(write_spec(spec_data))
    assert "unknown KSB 'S8'" in problem


def test_unknown_value_lists_what_is_allowed(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["methods"][0]["criteria"][0]["kind"] = "merit"
    (problem,) = problems_of(write_spec(spec_data))
    assert "'merit' is not allowed; allowed: 'pass' or 'distinction'" in problem


def test_unknown_time_rule_event_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["time_rules"] = [
        {
            "id": "results",
            "name": "Results",
            "event": "results",
            "after": "last_assessment",
            "at_most": {"working_days": 10},
            "source": {"place": "X"},
        }
    ]
    (problem,) = problems_of(write_spec(spec_data))
    assert "unknown event 'results'; allowed:" in problem


def test_amount_needs_exactly_one_unit(spec_data: dict[str, Any], write_spec: WriteSpec) -> None:
    spec_data["time_rules"] = [
        {
            "id": "results",
            "name": "Results",
            "event": "result",
            "after": "last_assessment",
            "at_most": {"working_days": 10, "days": 14},
            "source": {"place": "X"},
        }
    ]
    (problem,) = problems_of(write_spec(spec_data))
    assert "give exactly one of hours, days, working_days, weeks, months" in problem


def test_overall_table_must_decide_every_combination(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["overall"] = {
        "rule": "table",
        "source": {"place": "Table"},
        "table": [
            {"observation": "fail", "discussion": "any", "grade": "fail"},
            {"observation": "any", "discussion": "fail", "grade": "fail"},
            {"observation": "pass", "discussion": "any", "grade": "pass"},
            {"observation": "distinction", "discussion": "distinction", "grade": "distinction"},
        ],
    }
    (problem,) = problems_of(write_spec(spec_data))
    assert "no row decides: observation distinction, discussion pass" in problem


def test_weightings_must_add_up_to_100(spec_data: dict[str, Any], write_spec: WriteSpec) -> None:
    spec_data["overall"]["weightings"] = {"observation": 65, "discussion": 20}
    spec_data["overall"]["weightings_source"] = {"place": "Grading"}
    (problem,) = problems_of(write_spec(spec_data))
    assert "weightings add up to 85, not 100" in problem


def test_spec_id_must_match_the_file_name(spec_data: dict[str, Any], write_spec: WriteSpec) -> None:
    (problem,) = problems_of(write_spec(spec_data, name="st0071-other"))
    assert "'st0071-test' must match the file name 'st0071-other'" in problem


def test_unknown_standard_version_is_refused(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["version"] = "1.1"
    (problem,) = problems_of(write_spec(spec_data))
    assert "no standard file for ST0071 v1.1; known standards: ST0071 v1.2, ST0072 v1.1" in problem


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: broken\nmethods: [\n", encoding="utf-8")
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("broken.yaml:3:")
    assert "is not valid YAML" in problem


def test_every_problem_in_a_file_is_reported(
    spec_data: dict[str, Any], write_spec: WriteSpec
) -> None:
    spec_data["methods"][0]["criteria"][0]["kind"] = "merit"
    del spec_data["methods"][1]["criteria"][0]["source"]
    assert len(problems_of(write_spec(spec_data))) == 2


def test_builtin_specifications_are_valid() -> None:
    catalogue = load_catalogue()
    assert sorted(catalogue.specifications) == [
        "st0071-epakit",
        "st0071-highfield",
        "st0071-nqual",
        "st0072-activeiq",
        "st0072-excelme",
    ]
