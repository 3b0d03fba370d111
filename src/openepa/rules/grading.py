"""The grading engine: method grades from judgements, the overall grade from method grades.

Everything here follows the specification's data; nothing is particular to one EPAO. Each
result explains itself: how many criteria were met of how many, what is missing, and the
rule that decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

from openepa.rules.errors import GradingInputError, ReassessmentRefused
from openepa.rules.labels import checklist_name, method_names
from openepa.rules.model import (
    Criterion,
    DistinctionRule,
    Element,
    Grading,
    Method,
    Specification,
)
from openepa.rules.validate import table_row_for

Judgement = Literal["met", "not_met"]
AttemptKind = Literal["first", "resit", "retake"]
Outcome = Literal["fail", "pass", "distinction", "incomplete"]

JUDGEMENTS: tuple[Judgement, ...] = ("met", "not_met")
ATTEMPTS: tuple[AttemptKind, ...] = ("first", "resit", "retake")
RANK = {"fail": 0, "pass": 1, "distinction": 2}


@dataclass(frozen=True)
class MethodInput:
    """What an assessor recorded for one method."""

    judgements: Mapping[str, Judgement] = field(default_factory=dict)
    attempt: AttemptKind = "first"
    previous_grade: Literal["fail", "pass", "distinction"] | None = None
    checklists: Mapping[str, Mapping[str, Judgement]] = field(default_factory=dict)


@dataclass(frozen=True)
class GradeRequest:
    """Judgements for some or all methods of one specification."""

    spec_id: str
    methods: Mapping[str, MethodInput]
    exceptional_circumstances: bool = False


@dataclass(frozen=True)
class Tally:
    """Criteria met, not met and not yet judged, for pass and distinction criteria."""

    pass_met: int
    pass_total: int
    distinction_met: int
    distinction_total: int
    distinction_needed: int
    missing: tuple[str, ...]
    pass_not_met: tuple[str, ...]


@dataclass(frozen=True)
class ElementResult:
    """One showcase element's own result, as on Active IQ's final grading sheet."""

    id: str
    name: str
    grade: Outcome
    tally: Tally
    exempt: bool
    exempt_through: str | None
    reason: str


@dataclass(frozen=True)
class MethodResult:
    """One method's grade with the counts and the rule that decided it."""

    id: str
    name: str
    grade: Outcome
    label: str
    tally: Tally
    attempt: AttemptKind
    capped: bool
    reason: str
    elements: tuple[ElementResult, ...] = ()
    uncapped_grade: Outcome | None = None


@dataclass(frozen=True)
class OverallResult:
    """The EPA grade."""

    grade: Outcome
    label: str
    reason: str
    capped: bool


@dataclass(frozen=True)
class GradeResult:
    """Every method's result and the overall grade."""

    spec_id: str
    methods: tuple[MethodResult, ...]
    overall: OverallResult


def distinction_needed(rule: DistinctionRule, total: int) -> int:
    """How many distinction criteria a distinction needs under ``rule`` out of ``total``.

    ``at_least_percent`` rounds the number needed up: 70% of 10 needs 7, 75% of 4 needs 3,
    70% of 11 needs 8 (7.7 criteria cannot be met).
    """
    if rule.rule == "all":
        return total
    assert rule.value is not None
    if rule.rule == "at_least_count":
        return rule.value
    return -(-rule.value * total // 100)


def tally(
    criteria: Sequence[Criterion], judgements: Mapping[str, Judgement], rule: DistinctionRule
) -> Tally:
    """Count met, not met and missing judgements over ``criteria``."""
    passes = [c for c in criteria if c.kind == "pass"]
    distinctions = [c for c in criteria if c.kind == "distinction"]
    return Tally(
        pass_met=sum(1 for c in passes if judgements.get(c.id) == "met"),
        pass_total=len(passes),
        distinction_met=sum(1 for c in distinctions if judgements.get(c.id) == "met"),
        distinction_total=len(distinctions),
        distinction_needed=distinction_needed(rule, len(distinctions)),
        missing=tuple(c.id for c in criteria if c.id not in judgements),
        pass_not_met=tuple(c.id for c in passes if judgements.get(c.id) == "not_met"),
    )


def grade_from_tally(counts: Tally, grading: Grading) -> tuple[Outcome, str]:
    """Apply a grading rule to counted judgements and say why.

    Any pass criterion not met is a fail, even while others are unjudged; otherwise any
    criterion not yet judged leaves the grade incomplete; otherwise every pass criterion
    is met, and the distinction rule decides between pass and distinction.
    """
    if counts.pass_not_met:
        return "fail", (
            f"pass criteria not met: {', '.join(counts.pass_not_met)}; "
            "every pass criterion must be met"
        )
    if counts.missing:
        return "incomplete", f"not yet judged: {', '.join(counts.missing)}"
    rule_text = describe_distinction_rule(grading.distinction, counts.distinction_total)
    met = f"{counts.distinction_met} of {counts.distinction_total} distinction criteria met"
    if counts.distinction_met >= counts.distinction_needed:
        return "distinction", f"all {counts.pass_total} pass criteria met and {met}; {rule_text}"
    return "pass", f"all {counts.pass_total} pass criteria met; {met}, {rule_text}"


def describe_distinction_rule(rule: DistinctionRule, total: int) -> str:
    """The distinction rule in words, with the number it needs."""
    needed = distinction_needed(rule, total)
    if rule.rule == "all":
        return f"a distinction needs all {total}"
    if rule.rule == "at_least_count":
        return f"a distinction needs at least {needed} of {total}"
    return f"a distinction needs at least {rule.value}% of {total}, that is {needed}"


def check_reassessment_allowed(spec: Specification, method: Method, given: MethodInput) -> None:
    """Refuse a resit or retake of a method already passed, where the policy says so.

    Raises :class:`ReassessmentRefused` naming the rule and its source.
    """
    policy = spec.reassessment.improving_a_pass_refused
    if (
        given.attempt != "first"
        and given.previous_grade in ("pass", "distinction")
        and policy is not None
        and policy.value
    ):
        quote = f' ("{policy.source.quote}")' if policy.source.quote else ""
        raise ReassessmentRefused(
            f"{method.id}: a {given.attempt} is refused because the method was already "
            f"graded {given.previous_grade}; {spec.id} does not offer resits or retakes "
            f"to improve a pass{quote}"
        )


def carried_judgements(
    spec: Specification, inputs: Mapping[str, MethodInput]
) -> dict[str, tuple[str, dict[str, Judgement]]]:
    """Showcase elements exempted by a completed observation checklist, with its judgements.

    Returns ``{"showcase/conflict-case-study": ("conflict-and-challenge", judgements)}``.
    A checklist exempts its element when every criterion of the element is judged in it
    and every pass criterion is met; otherwise the element must be judged on its own.
    """
    exempt: dict[str, tuple[str, dict[str, Judgement]]] = {}
    for method in spec.methods:
        given = inputs.get(method.id)
        declared = {checklist.id for checklist in method.additional_checklists}
        undeclared = sorted(set(given.checklists) - declared) if given else []
        if undeclared:
            raise GradingInputError(
                f"{method.id}: unknown checklist {', '.join(undeclared)}; "
                f"allowed: {', '.join(sorted(declared)) or 'none'}"
            )
        for checklist in method.additional_checklists:
            target_method, _, target_element = checklist.exempts.partition("/")
            target = _method(spec, target_method)
            criteria = [c for c in target.criteria if c.element == target_element]
            judged = dict(given.checklists.get(checklist.id, {})) if given else {}
            unknown = sorted(set(judged) - {c.id for c in criteria})
            if unknown:
                raise GradingInputError(
                    f"{method.id}: checklist '{checklist.id}' has no criterion "
                    f"{', '.join(unknown)}; its criteria are those of {checklist.exempts}: "
                    f"{', '.join(c.id for c in criteria)}"
                )
            complete = all(c.id in judged for c in criteria)
            passed = all(judged.get(c.id) == "met" for c in criteria if c.kind == "pass")
            if complete and passed:
                exempt[checklist.exempts] = (checklist.id, judged)
    return exempt


def grade_method(
    spec: Specification,
    method: Method,
    given: MethodInput,
    carried: Mapping[str, tuple[str, dict[str, Judgement]]],
    exceptional_circumstances: bool,
) -> MethodResult:
    """Grade one method from its judgements, applying exemptions and the resit cap."""
    _check_judgements(method, given)
    check_reassessment_allowed(spec, method, given)
    judgements: dict[str, Judgement] = dict(given.judgements)
    elements = tuple(
        _grade_element(spec, method, element, judgements, carried) for element in method.elements
    )
    counts = tally(method.criteria, judgements, method.grading.distinction)
    grade, reason = grade_from_tally(counts, method.grading)
    capped = False
    cap = spec.reassessment.cap
    if (
        grade == "distinction"
        and cap is not None
        and cap.scope == "method"
        and given.attempt in cap.applies_to
    ):
        if cap.lifted_by_exceptional_circumstances and exceptional_circumstances:
            reason += f"; not capped: exceptional circumstances recorded for this {given.attempt}"
        else:
            grade, capped = "pass", True
            reason += f"; capped at pass because this is a {given.attempt}"
    return MethodResult(
        id=method.id,
        name=method.name,
        grade=grade,
        label=label_for(spec, grade),
        tally=counts,
        attempt=given.attempt,
        capped=capped,
        reason=reason,
        elements=elements,
        uncapped_grade="distinction" if capped else grade,
    )


def _grade_element(
    spec: Specification,
    method: Method,
    element: Element,
    judgements: dict[str, Judgement],
    carried: Mapping[str, tuple[str, dict[str, Judgement]]],
) -> ElementResult:
    """Grade one showcase element; an exempt element takes the checklist's judgements."""
    criteria = [c for c in method.criteria if c.element == element.id]
    key = f"{method.id}/{element.id}"
    exempt_through: str | None = None
    if key in carried:
        exempt_through, checklist_judgements = carried[key]
        doubled = sorted(c.id for c in criteria if c.id in judgements)
        if doubled:
            raise GradingInputError(
                f"{method.id}: {element.id} is exempt through the '{exempt_through}' "
                f"observation checklist, so its judgements are carried across; remove "
                f"{', '.join(doubled)} from the {method.id} judgements"
            )
        judgements.update(checklist_judgements)
    counts = tally(criteria, judgements, element.grading.distinction)
    grade, reason = grade_from_tally(counts, element.grading)
    if exempt_through:
        reason = f"exempt: judged through the {checklist_name(spec, exempt_through)}; {reason}"
    return ElementResult(
        id=element.id,
        name=element.name,
        grade=grade,
        tally=counts,
        exempt=exempt_through is not None,
        exempt_through=exempt_through,
        reason=reason,
    )


def grade_overall(
    spec: Specification, results: Sequence[MethodResult], exceptional_circumstances: bool = False
) -> OverallResult:
    """Combine method grades by the specification's overall rule, applying the resit cap.

    ``capped`` is true when a resit or retake cap (on a method or on the EPA grade) is what
    keeps the EPA grade below the one the judgements alone would give.
    """
    incomplete = [r.id for r in results if r.grade == "incomplete"]
    if incomplete:
        return OverallResult(
            "incomplete",
            label_for(spec, "incomplete"),
            f"not every method is graded yet: {method_names(spec, incomplete)}",
            False,
        )
    grade, reason = _combine(spec, {r.id: r.grade for r in results})
    if spec.overall.weightings:
        reason += "; weightings " + ", ".join(
            f"{method.name} {spec.overall.weightings[method.id]}%"
            for method in spec.methods
            if method.id in spec.overall.weightings
        )
    capped_methods = [r.id for r in results if r.capped]
    if capped_methods:
        uncapped, _ = _combine(spec, {r.id: r.uncapped_grade or r.grade for r in results})
        if RANK[uncapped] > RANK[grade]:
            reason += f"; capped: {method_names(spec, capped_methods)} was a resit or retake"
            return OverallResult(grade, label_for(spec, grade), reason, True)
    cap = spec.reassessment.cap
    reassessed = [r.id for r in results if cap is not None and r.attempt in cap.applies_to]
    if grade == "distinction" and cap is not None and cap.scope == "overall" and reassessed:
        if cap.lifted_by_exceptional_circumstances and exceptional_circumstances:
            reason += "; not capped: exceptional circumstances recorded"
        else:
            reason += (
                f"; capped at pass because {method_names(spec, reassessed)} was a resit or retake"
            )
            return OverallResult("pass", label_for(spec, "pass"), reason, True)
    return OverallResult(grade, label_for(spec, grade), reason, False)


def _combine(spec: Specification, grades: Mapping[str, Outcome]) -> tuple[Outcome, str]:
    """The overall grade of complete method grades by the specification's rule, with why."""
    if spec.overall.rule == "table":
        row = table_row_for(grades, spec.overall.table)
        assert row is not None, "the validator makes every table complete"
        grade = cast(Outcome, spec.overall.table[row]["grade"])
        # In the specification's method order: a table row read back from a database that
        # does not keep key order (PostgreSQL's jsonb) explains itself the same way.
        matched = ", ".join(
            f"{method.name} {spec.overall.table[row][method.id]}"
            for method in spec.methods
            if method.id in spec.overall.table[row]
        )
        return grade, f"row {row + 1} of the overall-grade table: {matched} gives {grade}"
    return _distinction_in_all(spec, grades)


def _distinction_in_all(spec: Specification, grades: Mapping[str, Outcome]) -> tuple[Outcome, str]:
    """Any fail fails; a distinction in every method is a distinction; otherwise a pass."""
    failed = [method for method, grade in grades.items() if grade == "fail"]
    if failed:
        return "fail", f"failed: {method_names(spec, failed)}; every method must be passed"
    below = [method for method, grade in grades.items() if grade != "distinction"]
    if below:
        return "pass", (
            f"every method passed; a distinction overall needs a distinction in every "
            f"method, and {method_names(spec, below)} did not get one"
        )
    return "distinction", "a distinction in every method"


def grade(spec: Specification, request: GradeRequest) -> GradeResult:
    """Grade every method of ``spec`` from ``request`` and combine them into the EPA grade.

    A method missing from the request is graded as having no judgements (incomplete).
    Raises :class:`GradingInputError` for unknown methods or criteria and
    :class:`ReassessmentRefused` for a resit or retake the policy does not allow.
    """
    unknown = sorted(set(request.methods) - {m.id for m in spec.methods})
    if unknown:
        raise GradingInputError(
            f"unknown method {', '.join(unknown)} for {spec.id}; "
            f"methods: {', '.join(m.id for m in spec.methods)}"
        )
    carried = carried_judgements(spec, request.methods)
    results = tuple(
        grade_method(
            spec,
            method,
            request.methods.get(method.id, MethodInput()),
            carried,
            request.exceptional_circumstances,
        )
        for method in spec.methods
    )
    return GradeResult(
        spec.id, results, grade_overall(spec, results, request.exceptional_circumstances)
    )


def label_for(spec: Specification, outcome: Outcome) -> str:
    """The EPAO's word for a grade ("Refer" for a fail at Active IQ)."""
    labels = {
        "fail": spec.grade_labels.fail,
        "pass": spec.grade_labels.pass_,
        "distinction": spec.grade_labels.distinction,
    }
    return labels.get(outcome, "Incomplete")


def _check_judgements(method: Method, given: MethodInput) -> None:
    """Refuse judgements of criteria the method does not have, or values other than met/not_met."""
    known = {c.id for c in method.criteria}
    for criterion, value in given.judgements.items():
        if criterion not in known:
            raise GradingInputError(
                f"{method.id}: unknown criterion '{criterion}'; "
                f"see 'openepa specs show' for the criteria of this method"
            )
        if value not in JUDGEMENTS:
            raise GradingInputError(
                f"{method.id}: judgement of {criterion} is {value!r}; allowed: met, not_met"
            )
    if given.attempt not in ATTEMPTS:
        raise GradingInputError(
            f"{method.id}: attempt {given.attempt!r}; allowed: {', '.join(ATTEMPTS)}"
        )


def _method(spec: Specification, method_id: str) -> Method:
    """The method with this id (the validator guarantees it exists)."""
    return next(m for m in spec.methods if m.id == method_id)
