"""Grading requests and results as plain data (the JSON of ``openepa grade``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from openepa.rules.errors import GradingInputError
from openepa.rules.grading import (
    ATTEMPTS,
    JUDGEMENTS,
    ElementResult,
    GradeRequest,
    GradeResult,
    Judgement,
    MethodInput,
    MethodResult,
)

REQUEST_KEYS = ("spec", "methods", "exceptional_circumstances")
METHOD_KEYS = ("judgements", "attempt", "previous_grade", "checklists")


def parse_grade_request(data: Any) -> GradeRequest:
    """Read a request ``{"spec": ID, "methods": {...}, "exceptional_circumstances": false}``.

    Raises :class:`GradingInputError` naming the first thing wrong and what is allowed.
    """
    if not isinstance(data, dict):
        raise GradingInputError("the input must be a JSON object with 'spec' and 'methods'")
    _refuse_unknown_keys(data, REQUEST_KEYS, "the input")
    spec_id = data.get("spec")
    if not isinstance(spec_id, str) or not spec_id:
        raise GradingInputError("'spec' must name a specification, e.g. \"st0071-highfield\"")
    methods = data.get("methods")
    if not isinstance(methods, dict):
        raise GradingInputError("'methods' must be an object of method id to judgements")
    exceptional = data.get("exceptional_circumstances", False)
    if not isinstance(exceptional, bool):
        raise GradingInputError("'exceptional_circumstances' must be true or false")
    return GradeRequest(
        spec_id=spec_id,
        methods={
            str(method_id): _parse_method(str(method_id), given)
            for method_id, given in methods.items()
        },
        exceptional_circumstances=exceptional,
    )


def _parse_method(method_id: str, given: Any) -> MethodInput:
    """One method's judgements, attempt, previous grade and observation checklists."""
    where = f"methods.{method_id}"
    if not isinstance(given, dict):
        raise GradingInputError(f"{where} must be an object with 'judgements'")
    _refuse_unknown_keys(given, METHOD_KEYS, where)
    attempt = given.get("attempt", "first")
    if attempt not in ATTEMPTS:
        raise GradingInputError(f"{where}.attempt is {attempt!r}; allowed: {', '.join(ATTEMPTS)}")
    previous = given.get("previous_grade")
    if previous not in (None, "fail", "pass", "distinction"):
        raise GradingInputError(
            f"{where}.previous_grade is {previous!r}; allowed: fail, pass, distinction"
        )
    checklists = given.get("checklists", {})
    if not isinstance(checklists, dict):
        raise GradingInputError(
            f"{where}.checklists must be an object of checklist id to judgements"
        )
    return MethodInput(
        judgements=_parse_judgements(given.get("judgements", {}), f"{where}.judgements"),
        attempt=attempt,
        previous_grade=previous,
        checklists={
            str(name): _parse_judgements(value, f"{where}.checklists.{name}")
            for name, value in checklists.items()
        },
    )


def _parse_judgements(given: Any, where: str) -> dict[str, Judgement]:
    """A mapping of criterion id to ``met`` or ``not_met``."""
    if not isinstance(given, dict):
        raise GradingInputError(f'{where} must be an object of criterion id to "met" or "not_met"')
    for criterion, value in given.items():
        if value not in JUDGEMENTS:
            raise GradingInputError(f'{where}.{criterion} is {value!r}; allowed: "met", "not_met"')
    return cast(dict[str, Judgement], dict(given))


def _refuse_unknown_keys(given: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Name the first key that is not allowed."""
    for key in given:
        if key not in allowed:
            raise GradingInputError(
                f"{where} has unknown key '{key}'; allowed: {', '.join(allowed)}"
            )


def result_to_json(result: GradeResult) -> dict[str, Any]:
    """The result as ``openepa grade --json`` prints it."""
    return {
        "spec": result.spec_id,
        "methods": {method.id: _method_json(method) for method in result.methods},
        "overall": {
            "grade": result.overall.grade,
            "label": result.overall.label,
            "reason": result.overall.reason,
            "capped": result.overall.capped,
        },
    }


def _method_json(method: MethodResult) -> dict[str, Any]:
    """One method's result."""
    data: dict[str, Any] = {
        "grade": method.grade,
        "label": method.label,
        **_tally_json(method.tally),
        "capped": method.capped,
        "attempt": method.attempt,
        "reason": method.reason,
    }
    if method.elements:
        data["elements"] = {element.id: _element_json(element) for element in method.elements}
    return data


def _element_json(element: ElementResult) -> dict[str, Any]:
    """One showcase element's result."""
    return {
        "name": element.name,
        "grade": element.grade,
        **_tally_json(element.tally),
        "exempt": element.exempt,
        "exempt_through": element.exempt_through,
        "reason": element.reason,
    }


def _tally_json(counts: Any) -> dict[str, Any]:
    """The counts every result carries."""
    return {
        "pass_met": counts.pass_met,
        "pass_total": counts.pass_total,
        "distinction_met": counts.distinction_met,
        "distinction_total": counts.distinction_total,
        "distinction_needed": counts.distinction_needed,
        "missing": list(counts.missing),
        "pass_not_met": list(counts.pass_not_met),
    }
