"""The engine's grades of the records: each sitting's request, live grades, release readiness.

A method assessed in a sitting is graded from that sitting's record; a method not taken again
carries forward its latest submitted record. Judgements of a showcase element exempted through
an observation checklist are replaced by the checklist's. Release readiness says what stops a
sitting's result from being released.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.kernel import specs
from openepa.registration.models import Registration
from openepa.rules.grading import (
    GradeRequest,
    GradeResult,
    MethodInput,
    MethodResult,
    carried_judgements,
    grade,
)
from openepa.rules.grading import (
    Judgement as EngineJudgement,
)
from openepa.rules.model import Specification
from openepa.rules.recording import engine_value, method_of


def _records_of(registration: Registration) -> list[AssessmentRecord]:
    """Every record of the registration with its sitting and judgements (three queries)."""
    return list(
        AssessmentRecord.objects.filter(registration=registration)
        .select_related("sitting")
        .prefetch_related("judgements")
        .order_by("sitting__number", "method_id")
    )


def _method_input(
    record: AssessmentRecord | None, attempt: str, previous: str | None
) -> MethodInput:
    """The engine's input for one record: key values mapped to met / not met."""
    if record is None:
        return MethodInput(attempt=attempt)  # type: ignore[arg-type]
    own: dict[str, EngineJudgement] = {}
    checklists: dict[str, dict[str, EngineJudgement]] = {}
    for judgement in record.judgements.all():
        value = engine_value(judgement.value)
        if value is None:
            continue
        if judgement.checklist:
            checklists.setdefault(judgement.checklist, {})[judgement.criterion_id] = value
        else:
            own[judgement.criterion_id] = value
    return MethodInput(
        judgements=own,
        attempt=attempt,  # type: ignore[arg-type]
        previous_grade=previous,  # type: ignore[arg-type]
        checklists=checklists,
    )


def grade_request(
    registration: Registration,
    sitting: Sitting,
    *,
    include_drafts: bool = False,
    records: Iterable[AssessmentRecord] | None = None,
) -> GradeRequest:
    """The engine request for a sitting: its own records, and methods passed earlier.

    A method assessed in this sitting is graded from this sitting's record with the
    sitting's attempt (first, resit or retake) and the grade it had before; a method not
    taken again carries forward its latest submitted record from an earlier sitting.
    """
    spec, _ = specs.rules_of(registration)
    all_records = list(records) if records is not None else _records_of(registration)
    usable = [r for r in all_records if include_drafts or r.submitted]
    methods: dict[str, MethodInput] = {}
    for method in spec.methods:
        earlier = [
            r
            for r in usable
            if r.method_id == method.id and r.sitting.number < sitting.number and r.submitted
        ]
        if method.id in sitting.methods:
            own = next(
                (r for r in usable if r.method_id == method.id and r.sitting_id == sitting.pk),
                None,
            )
            previous = None if sitting.whole_epa or not earlier else (earlier[-1].grade or None)
            methods[method.id] = _method_input(own, sitting.kind, previous)
        elif earlier:
            last = earlier[-1]
            methods[method.id] = _method_input(last, last.sitting.kind, None)
    return GradeRequest(
        spec_id=spec.id,
        methods=_without_exempt_judgements(spec, methods),
        exceptional_circumstances=sitting.exceptional_circumstances,
    )


def _without_exempt_judgements(
    spec: Specification, methods: dict[str, MethodInput]
) -> dict[str, MethodInput]:
    """Drop a method's own judgements of an element exempted through another's checklist.

    When an observation checklist is completed after the showcase element was judged on its
    own, the checklist's judgements are carried across and replace the element's: the
    element's own judgements stay stored (and shown) but are not graded.
    """
    carried = carried_judgements(spec, methods)
    for key in carried:
        method_id, _, element = key.partition("/")
        given = methods.get(method_id)
        if given is None:
            continue
        exempt = {c.id for c in method_of(spec, method_id).criteria if c.element == element}
        methods[method_id] = MethodInput(
            judgements={k: v for k, v in given.judgements.items() if k not in exempt},
            attempt=given.attempt,
            previous_grade=given.previous_grade,
            checklists=given.checklists,
        )
    return methods


def grade_sitting(
    registration: Registration, sitting: Sitting, *, include_drafts: bool = False
) -> GradeResult:
    """The engine's grades for a sitting (drafts included only for the live view)."""
    spec, _ = specs.rules_of(registration)
    return grade(spec, grade_request(registration, sitting, include_drafts=include_drafts))


def live_method_result(record: AssessmentRecord) -> MethodResult:
    """The grade the record's judgements give now, drafts included, with what is missing."""
    result = grade_sitting(record.registration, record.sitting, include_drafts=True)
    return next(m for m in result.methods if m.id == record.method_id)


def exempt_criteria(record: AssessmentRecord, *, include_drafts: bool = True) -> frozenset[str]:
    """Criteria of this record's method judged through another method's checklist."""
    spec, _ = specs.rules_of(record.registration)
    request = grade_request(record.registration, record.sitting, include_drafts=include_drafts)
    carried = carried_judgements(spec, request.methods)
    method = method_of(spec, record.method_id)
    exempt: set[str] = set()
    for key in carried:
        method_id, _, element = key.partition("/")
        if method_id == method.id:
            exempt.update(c.id for c in method.criteria if c.element == element)
    return frozenset(exempt)


# --- release readiness ------------------------------------------------------------------


def latest_assessment_day(records: Iterable[AssessmentRecord]) -> date | None:
    """The latest date on which one of ``records`` was assessed (occasions included)."""
    days: list[date] = []
    for record in records:
        if record.assessed_on:
            days.append(record.assessed_on)
        for occasion in record.occasions or []:
            if occasion.get("on"):
                days.append(date.fromisoformat(occasion["on"]))
    return max(days) if days else None


def last_assessment_on(sitting: Sitting) -> date | None:
    """The latest date on which a method of the sitting was assessed."""
    return latest_assessment_day(sitting.records.all())


def method_problems(
    spec: Specification, sitting: Sitting, records: Iterable[AssessmentRecord]
) -> list[str]:
    """Each method of the sitting not yet submitted, or held for IQA (``records``: its own)."""
    names = {m.id: m.name for m in spec.methods}
    by_method = {r.method_id: r for r in records}
    problems: list[str] = []
    for method_id in sitting.methods:
        record = by_method.get(method_id)
        name = names.get(method_id, method_id)
        if record is None or not record.submitted:
            problems.append(f"The {name} has not been assessed and submitted yet.")
        elif record.iqa_status == AssessmentRecord.Iqa.HELD:
            problems.append(f"The {name} decision is held for IQA.")
    return problems


def release_check(
    registration: Registration, sitting: Sitting
) -> tuple[list[str], GradeResult | None]:
    """What stops the sitting's result from being released, and the engine's grades.

    The grades are given (the engine runs once) when every method is submitted and cleared;
    the problems are empty when the result can be released.
    """
    spec, _ = specs.rules_of(registration)
    if hasattr(sitting, "result"):
        return ["The result of this sitting has already been released."], None
    problems = method_problems(spec, sitting, sitting.records.all())
    if problems:
        return problems, None
    graded = grade_sitting(registration, sitting)
    if graded.overall.grade == "incomplete":
        return [f"The EPA grade is incomplete: {graded.overall.reason}."], graded
    return [], graded


def sitting_ready_for_release(registration: Registration, sitting: Sitting) -> list[str]:
    """What stops the sitting's result from being released; empty when it can be."""
    return release_check(registration, sitting)[0]
