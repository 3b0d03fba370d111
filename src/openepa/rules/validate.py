"""Checks that need the whole file: references, uniqueness and thresholds.

The model (:mod:`openepa.rules.model`) checks each mapping on its own; these functions check
that a specification hangs together: every id it mentions exists, no id is used twice, no
threshold asks for more criteria than there are, and an overall-grade table decides every
combination of method grades.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openepa.rules.errors import SpecProblem
from openepa.rules.model import (
    DistinctionRule,
    Grading,
    Method,
    Specification,
    Standard,
)
from openepa.rules.yamlfile import Location, format_location

EVENTS = frozenset(
    {
        "registration",
        "on_programme_end",
        "gateway",
        "gateway_form",
        "gateway_evidence",
        "first_assessment",
        "last_assessment",
        "result",
        "booking_request",
        "booking_confirmation",
        "portfolio_submission",
        "report_submission",
        "project_start",
        "project_completion",
        "proposal_rejection",
        "proposal_resubmission",
        "fail_result",
        "reassessment",
        "project_rework",
    }
)
METHOD_EVENTS = ("assessment", "booking")
GRADES = ("fail", "pass", "distinction")


class _Problems:
    """Collects problems of one file, naming list items by their ids."""

    def __init__(self, file: Path, data: Any, lines: Mapping[Location, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines
        self.items: list[SpecProblem] = []

    def add(self, location: Location, message: str) -> None:
        line = next(
            (
                self.lines[location[:end]]
                for end in range(len(location), -1, -1)
                if location[:end] in self.lines
            ),
            None,
        )
        self.items.append(
            SpecProblem(self.file, format_location(location, self.data), message, line)
        )


def validate_standard(
    standard: Standard, file: Path, lines: Mapping[Location, int] | None = None
) -> list[SpecProblem]:
    """Check a standard: its id, unique KSB and area ids, and areas naming real KSBs."""
    problems = _Problems(file, standard.model_dump(by_alias=True), lines or {})
    expected_id = f"{standard.reference.lower()}-v{standard.version}"
    if standard.id != expected_id:
        problems.add(("id",), f"must be '{expected_id}' (reference and version)")
    if standard.id != file.stem:
        problems.add(("id",), f"must match the file name '{file.stem}'")
    _check_unique(problems, "ksbs", [ksb.id for ksb in standard.ksbs], "KSB id")
    _check_unique(problems, "areas", [area.id for area in standard.areas], "area id")
    ksb_ids = {ksb.id for ksb in standard.ksbs}
    for index, area in enumerate(standard.areas):
        for ksb in area.ksbs:
            if ksb not in ksb_ids:
                problems.add(("areas", index, "ksbs"), _unknown("KSB", ksb, ksb_ids))
    return problems.items


def validate_specification(
    spec: Specification,
    file: Path,
    standards: Mapping[tuple[str, str], Standard],
    lines: Mapping[Location, int] | None = None,
) -> list[SpecProblem]:
    """Check every cross-reference and threshold of one specification."""
    problems = _Problems(file, spec.model_dump(by_alias=True), lines or {})
    if spec.id != file.stem:
        problems.add(("id",), f"'{spec.id}' must match the file name '{file.stem}'")
    standard = standards.get((spec.standard, spec.version))
    if standard is None:
        known = ", ".join(f"{ref} v{ver}" for ref, ver in sorted(standards)) or "none"
        problems.add(
            ("version",),
            f"no standard file for {spec.standard} v{spec.version}; known standards: {known}",
        )
    method_ids = [method.id for method in spec.methods]
    _check_unique(problems, "methods", method_ids, "method id")
    all_criteria = [c.id for method in spec.methods for c in method.criteria]
    _check_unique(problems, "methods", all_criteria, "criterion id")
    for index, method in enumerate(spec.methods):
        _check_method(problems, spec, index, method, standard)
    _check_overall(problems, spec)
    _check_reassessment_and_gateway(problems, spec)
    _check_evidence(problems, spec)
    _check_time_rules(problems, spec)
    _check_question_banks(problems, spec)
    return problems.items


def _check_method(
    problems: _Problems,
    spec: Specification,
    index: int,
    method: Method,
    standard: Standard | None,
) -> None:
    """Areas, KSBs, elements, checklists, order and thresholds of one method."""
    here: Location = ("methods", index)
    area_ids = {area.id for area in standard.areas} if standard else set()
    ksb_ids = {ksb.id for ksb in standard.ksbs} if standard else set()
    element_ids = [element.id for element in method.elements]
    _check_unique(problems, (*here, "elements"), element_ids, "element id")
    for position, criterion in enumerate(method.criteria):
        at: Location = (*here, "criteria", position)
        if standard and criterion.area not in area_ids:
            problems.add((*at, "area"), _unknown("area", criterion.area, area_ids))
        for ksb in criterion.ksbs:
            if standard and ksb not in ksb_ids:
                problems.add((*at, "ksbs"), _unknown("KSB", ksb, ksb_ids))
        if method.elements and criterion.element not in element_ids:
            problems.add(
                (*at, "element"),
                _unknown("element", str(criterion.element), element_ids)
                + f" (method '{method.id}' has elements, so each criterion names one)",
            )
        if not method.elements and criterion.element is not None:
            problems.add(
                (*at, "element"),
                f"method '{method.id}' has no elements; remove element or add it to elements",
            )
    for ksb in method.ksbs:
        if standard and ksb not in ksb_ids:
            problems.add((*here, "ksbs"), _unknown("KSB", ksb, ksb_ids))
    if method.ksbs and method.ksbs_source is None:
        problems.add((*here, "ksbs_source"), "method ksbs need a ksbs_source: {place: ...}")
    _check_threshold(problems, (*here, "grading"), method.grading, method.criteria, method.id)
    for position, element in enumerate(method.elements):
        criteria = [c for c in method.criteria if c.element == element.id]
        if not criteria:
            problems.add((*here, "elements", position), f"element '{element.id}' has no criteria")
            continue
        _check_threshold(
            problems,
            (*here, "elements", position, "grading"),
            element.grading,
            criteria,
            f"{method.id}/{element.id}",
        )
        if element.exemption:
            checklists = {
                checklist.id: checklist
                for other in spec.methods
                for checklist in other.additional_checklists
            }
            checklist = checklists.get(element.exemption.checklist)
            if checklist is None:
                problems.add(
                    (*here, "elements", position, "exemption", "checklist"),
                    _unknown("additional checklist", element.exemption.checklist, checklists),
                )
            elif checklist.exempts != f"{method.id}/{element.id}":
                problems.add(
                    (*here, "elements", position, "exemption", "checklist"),
                    f"checklist '{checklist.id}' exempts '{checklist.exempts}', "
                    f"not '{method.id}/{element.id}'",
                )
    for position, checklist in enumerate(method.additional_checklists):
        target_method, _, target_element = checklist.exempts.partition("/")
        target = next((m for m in spec.methods if m.id == target_method), None)
        if target is None or target_element not in {e.id for e in target.elements}:
            problems.add(
                (*here, "additional_checklists", position, "exempts"),
                f"'{checklist.exempts}' is not METHOD/ELEMENT of an element in this file",
            )
    if method.order:
        for other in method.order.after:
            if other == method.id or other not in {m.id for m in spec.methods}:
                problems.add(
                    (*here, "order", "after"),
                    _unknown("method", other, [m.id for m in spec.methods if m is not method]),
                )


def _check_threshold(
    problems: _Problems,
    location: Location,
    grading: Grading,
    criteria: Iterable[Any],
    name: str,
) -> None:
    """A distinction threshold must be reachable with the criteria it counts."""
    criteria = list(criteria)
    distinction = sum(1 for c in criteria if c.kind == "distinction")
    passes = sum(1 for c in criteria if c.kind == "pass")
    rule: DistinctionRule = grading.distinction
    if passes == 0:
        problems.add(location, f"'{name}' has no pass criteria to grade")
    if distinction == 0:
        problems.add(
            (*location, "distinction"),
            f"'{name}' has no distinction criteria, so no distinction rule can apply",
        )
    elif rule.rule == "at_least_count" and rule.value is not None and rule.value > distinction:
        problems.add(
            (*location, "distinction", "value"),
            f"needs {rule.value} distinction criteria but '{name}' has only {distinction}; "
            f"allowed: 1 to {distinction}",
        )


def _check_overall(problems: _Problems, spec: Specification) -> None:
    """Weightings name the methods and add up to 100; a table decides every combination."""
    overall = spec.overall
    method_ids = [method.id for method in spec.methods]
    if overall.weightings:
        unknown = [key for key in overall.weightings if key not in method_ids]
        for key in unknown:
            problems.add(("overall", "weightings"), _unknown("method", key, method_ids))
        if not unknown and set(overall.weightings) != set(method_ids):
            problems.add(("overall", "weightings"), "give a weighting for every method or none")
        total = sum(overall.weightings.values())
        if total != 100:
            problems.add(("overall", "weightings"), f"weightings add up to {total}, not 100")
        if overall.weightings_source is None:
            problems.add(("overall", "weightings_source"), "weightings need a source")
    if overall.rule == "distinction_in_all":
        if overall.table:
            problems.add(("overall", "table"), "rule distinction_in_all takes no table")
        return
    if not overall.table:
        problems.add(("overall", "table"), "rule table needs at least one row")
        return
    allowed_keys = [*method_ids, "grade"]
    for position, row in enumerate(overall.table):
        at: Location = ("overall", "table", position)
        for key, value in row.items():
            if key not in allowed_keys:
                problems.add(at, f"unknown key '{key}'; allowed keys: {', '.join(allowed_keys)}")
            elif key == "grade" and value not in GRADES:
                problems.add(at, f"grade '{value}' is not allowed; allowed: {', '.join(GRADES)}")
            elif key != "grade" and value not in (*GRADES, "any"):
                problems.add(
                    at, f"'{value}' is not allowed for {key}; allowed: fail, pass, distinction, any"
                )
        missing = [key for key in allowed_keys if key not in row]
        if missing:
            problems.add(at, f"row is missing {', '.join(missing)}")
    undecided = [
        combination
        for combination in itertools.product(GRADES, repeat=len(method_ids))
        if table_row_for(dict(zip(method_ids, combination, strict=True)), overall.table) is None
    ]
    if undecided:
        shown = "; ".join(
            ", ".join(f"{m} {g}" for m, g in zip(method_ids, combo, strict=True))
            for combo in undecided
        )
        problems.add(("overall", "table"), f"no row decides: {shown}")


def table_row_for(grades: Mapping[str, str], table: list[dict[str, str]]) -> int | None:
    """Index of the first table row whose method grades match ``grades`` (``any`` matches all)."""
    for index, row in enumerate(table):
        if (
            all(row.get(method) in (grade, "any") for method, grade in grades.items())
            and row.get("grade") in GRADES
        ):
            return index
    return None


def _check_reassessment_and_gateway(problems: _Problems, spec: Specification) -> None:
    """Periods run from known events; gateway requirement ids are unique."""
    reassessment = spec.reassessment
    for name in ("time_limit", "project_rework", "typical_resit", "typical_retake"):
        period = getattr(reassessment, name)
        if period is not None and period.after is not None:
            _check_event(problems, ("reassessment", name, "after"), period.after, spec)
    if reassessment.project_rework and "project" not in {m.id for m in spec.methods}:
        problems.add(("reassessment", "project_rework"), "there is no method 'project'")
    _check_unique(
        problems,
        ("gateway", "requirements"),
        [requirement.id for requirement in spec.gateway.requirements],
        "gateway requirement id",
    )
    single_uses: list[str] = [
        r.uses for r in spec.gateway.requirements if r.uses and r.uses != "english_maths"
    ]
    _check_unique(problems, ("gateway", "requirements"), single_uses, "use")
    for index, requirement in enumerate(spec.gateway.requirements):
        at: Location = ("gateway", "requirements", index, "uses")
        if requirement.uses == "portfolio" and spec.evidence.portfolio is None:
            problems.add(at, "uses portfolio, so evidence.portfolio must say what it holds")
        if requirement.uses == "project_proposal" and spec.evidence.project_proposal is None:
            problems.add(
                at, "uses project_proposal, so evidence.project_proposal must give its words"
            )
        if requirement.uses == "gateway_declaration" and requirement.evidence != "declaration":
            problems.add(at, "uses gateway_declaration, so evidence must be declaration")


def _check_evidence(problems: _Problems, spec: Specification) -> None:
    """Evidence rules name real methods and have sensible ranges."""
    method_ids = [method.id for method in spec.methods]
    evidence = spec.evidence
    if evidence.portfolio:
        portfolio = evidence.portfolio
        if portfolio.supports not in method_ids:
            problems.add(
                ("evidence", "portfolio", "supports"),
                _unknown("method", portfolio.supports, method_ids),
            )
        if (
            portfolio.min_pieces is not None
            and portfolio.max_pieces is not None
            and portfolio.min_pieces > portfolio.max_pieces
        ):
            problems.add(("evidence", "portfolio"), "min_pieces is larger than max_pieces")
    if evidence.project_proposal and (
        evidence.project_proposal.min_words > evidence.project_proposal.max_words
    ):
        problems.add(("evidence", "project_proposal"), "min_words is larger than max_words")
    report = evidence.project_report
    if (
        report
        and report.marking_stops_at_words is not None
        and (report.marking_stops_at_words < report.target_words)
    ):
        problems.add(
            ("evidence", "project_report", "marking_stops_at_words"),
            "marking cannot stop before the target length",
        )
    for name in ("interview_questions", "observation_questioning"):
        rule = getattr(evidence, name)
        if rule is not None and rule.method not in method_ids:
            problems.add(("evidence", name, "method"), _unknown("method", rule.method, method_ids))


def _check_time_rules(problems: _Problems, spec: Specification) -> None:
    """Time rules have unique ids and name known events."""
    _check_unique(problems, "time_rules", [rule.id for rule in spec.time_rules], "time rule id")
    for index, rule in enumerate(spec.time_rules):
        _check_event(problems, ("time_rules", index, "event"), rule.event, spec)
        anchor = rule.before if rule.before is not None else rule.after
        key = "before" if rule.before is not None else "after"
        _check_event(problems, ("time_rules", index, key), str(anchor), spec)


def _check_event(problems: _Problems, location: Location, event: str, spec: Specification) -> None:
    """An event is one of :data:`EVENTS` or ``assessment:METHOD`` / ``booking:METHOD``."""
    kind, _, method = event.partition(":")
    method_ids = [m.id for m in spec.methods]
    if method:
        if kind not in METHOD_EVENTS:
            problems.add(location, f"'{event}': only assessment:METHOD and booking:METHOD exist")
        elif method not in method_ids:
            problems.add(location, _unknown("method", method, method_ids))
    elif event not in EVENTS:
        allowed = sorted(EVENTS) + [f"{k}:METHOD" for k in METHOD_EVENTS]
        problems.add(location, f"unknown event '{event}'; allowed: {', '.join(allowed)}")


def _check_question_banks(problems: _Problems, spec: Specification) -> None:
    """Question banks name real methods, elements and criteria; numbers are unique."""
    _check_unique(
        problems, "question_banks", [bank.id for bank in spec.question_banks], "question bank id"
    )
    methods = {method.id: method for method in spec.methods}
    for index, bank in enumerate(spec.question_banks):
        at: Location = ("question_banks", index)
        method = methods.get(bank.method)
        if method is None:
            problems.add((*at, "method"), _unknown("method", bank.method, methods))
            continue
        if bank.element is not None and bank.element not in {e.id for e in method.elements}:
            problems.add(
                (*at, "element"), _unknown("element", bank.element, [e.id for e in method.elements])
            )
        _check_unique(
            problems, (*at, "questions"), [str(q.number) for q in bank.questions], "question number"
        )
        criterion_ids = {c.id for c in method.criteria}
        for position, question in enumerate(bank.questions):
            for criterion in question.criteria:
                if criterion not in criterion_ids:
                    problems.add(
                        (*at, "questions", position, "criteria"),
                        f"unknown criterion '{criterion}' of method '{method.id}'",
                    )


def _check_unique(problems: _Problems, location: Location | str, ids: list[str], what: str) -> None:
    """Report every id that appears more than once."""
    where: Location = (location,) if isinstance(location, str) else location
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            problems.add(where, f"duplicate {what} '{item}'; each must be unique")
        seen.add(item)


def _unknown(what: str, value: str, allowed: Iterable[str]) -> str:
    """The message for a reference to something that does not exist."""
    names = sorted(allowed)
    shown = ", ".join(names[:25]) + (" ..." if len(names) > 25 else "")
    return f"unknown {what} '{value}'; allowed: {shown or 'none'}"
