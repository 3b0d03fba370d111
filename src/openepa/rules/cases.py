"""Grading cases as data: read ``specs/cases/<id>.yaml`` and check them against the engine.

A case gives judgements in a short form (``default: met`` judges every criterion of a
method not listed in ``judgements``; ``unjudged`` leaves some out) and the expected result,
compared key by key with what ``openepa grade --json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openepa.rules.errors import GradingInputError, SpecError, SpecProblem
from openepa.rules.grading import grade
from openepa.rules.model import Specification
from openepa.rules.requests import parse_grade_request, result_to_json
from openepa.rules.yamlfile import read_yaml

CASE_KEYS = ("name", "input", "expected", "refused")
SHORT_METHOD_KEYS = (
    "default",
    "judgements",
    "unjudged",
    "attempt",
    "previous_grade",
    "checklists",
)


@dataclass(frozen=True)
class Case:
    """One named grading case of one specification."""

    spec_id: str
    name: str
    input: dict[str, Any]
    expected: dict[str, Any]
    refused: str | None


def read_cases(file: Path) -> list[Case]:
    """Read every case of one case file (named after its specification)."""
    data, _ = read_yaml(file)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise SpecError([SpecProblem(file, "", "must be a mapping with a list 'cases'")])
    cases = []
    names: set[str] = set()
    for index, item in enumerate(data["cases"]):
        unknown = sorted(set(item) - set(CASE_KEYS)) if isinstance(item, dict) else []
        if not isinstance(item, dict) or unknown or "name" not in item or "input" not in item:
            raise SpecError(
                [
                    SpecProblem(
                        file,
                        f"cases[{index}]",
                        f"a case needs name, input and expected (or refused); allowed keys: "
                        f"{', '.join(CASE_KEYS)}"
                        + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
                    )
                ]
            )
        if item["name"] in names:
            raise SpecError(
                [SpecProblem(file, f"cases[{index}]", f"duplicate name {item['name']!r}")]
            )
        names.add(item["name"])
        cases.append(
            Case(
                file.stem,
                item["name"],
                item["input"],
                item.get("expected", {}),
                item.get("refused"),
            )
        )
    return cases


def expand_input(spec: Specification, short: dict[str, Any]) -> dict[str, Any]:
    """Turn a case's short input into the JSON input of ``openepa grade``.

    ``default`` does not reach the criteria of a showcase element that an observation
    checklist in the same case exempts: those judgements come from the checklist.
    """
    given_methods: dict[str, Any] = short.get("methods", {})
    exempted = {
        target
        for given in given_methods.values()
        for name in given.get("checklists", {})
        for target in _checklist_targets(spec, name)
    }
    methods: dict[str, Any] = {}
    for method_id, given in given_methods.items():
        unknown = sorted(set(given) - set(SHORT_METHOD_KEYS))
        if unknown:
            raise GradingInputError(f"case method {method_id} has unknown keys {unknown}")
        method = next((m for m in spec.methods if m.id == method_id), None)
        if method is None:
            methods[method_id] = given
            continue
        judgements = dict(given.get("judgements", {}))
        default = given.get("default")
        skip = set(given.get("unjudged", []))
        for criterion in method.criteria:
            carried = f"{method.id}/{criterion.element}" in exempted
            if default is not None and criterion.id not in skip and not carried:
                judgements.setdefault(criterion.id, default)
        entry: dict[str, Any] = {"judgements": judgements}
        for key in ("attempt", "previous_grade"):
            if key in given:
                entry[key] = given[key]
        if "checklists" in given:
            entry["checklists"] = {
                name: _expand_checklist(spec, name, value)
                for name, value in given["checklists"].items()
            }
        methods[method_id] = entry
    expanded: dict[str, Any] = {"spec": spec.id, "methods": methods}
    if "exceptional_circumstances" in short:
        expanded["exceptional_circumstances"] = short["exceptional_circumstances"]
    return expanded


def _checklist_targets(spec: Specification, checklist_id: str) -> list[str]:
    """``method/element`` exempted by the checklist of this id."""
    return [
        checklist.exempts
        for method in spec.methods
        for checklist in method.additional_checklists
        if checklist.id == checklist_id
    ]


def _expand_checklist(
    spec: Specification, checklist_id: str, given: dict[str, Any]
) -> dict[str, str]:
    """A checklist's short form (``default``, ``judgements``, ``unjudged``) to judgements."""
    judgements = dict(given.get("judgements", {}))
    default = given.get("default")
    skip = set(given.get("unjudged", []))
    for target in _checklist_targets(spec, checklist_id):
        target_method, _, element = target.partition("/")
        method = next(m for m in spec.methods if m.id == target_method)
        for criterion in method.criteria:
            if criterion.element == element and criterion.id not in skip and default is not None:
                judgements.setdefault(criterion.id, default)
    return judgements


def run_case(spec: Specification, case: Case) -> dict[str, Any]:
    """Grade a case and return the JSON result (raises what the engine raises)."""
    request = parse_grade_request(expand_input(spec, case.input))
    return result_to_json(grade(spec, request))


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every place where ``actual`` differs from ``expected``, comparing only expected keys."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or 'result'}: expected an object, got {actual!r}"]
        found: list[str] = []
        for key, value in expected.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{where}: missing from the result")
            else:
                found += mismatches(value, actual[key], where)
        return found
    if expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []
