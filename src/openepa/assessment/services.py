"""Keep the assessor's record of each method, grade it with the engine, submit and amend it.

Drafts are saved field by field: a save carries, for each field the person changed, the value
their page showed and the value they want. A change is applied when the stored value is still
the one they saw; when someone else changed the same field meanwhile, nothing of theirs is
overwritten and the person is told, with both values. Every applied change adds a
:class:`RecordChange` row. A submitted record is locked; only an IQA or an appeal reviewer
can amend it, with a reason, and the grade is then recomputed by the engine.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.accounts.policy import policy_of
from openepa.assessment.models import AssessmentRecord, Judgement, RecordChange, Sitting
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.planning.models import Booking
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
from openepa.rules.model import Method, Specification
from openepa.rules.recording import (
    KEY_VALUES,
    Entry,
    RecordData,
    assessed_in_future,
    engine_value,
    method_of,
    mode_not_allowed,
    questioning_over_limit,
    submission_problems,
)
from openepa.rules.sampling import SamplingPolicy, sample_decision

RECORD_FIELDS = (
    "assessed_on",
    "starts_at",
    "ends_at",
    "mode",
    "occasions",
    "questioning_minutes",
    "feedback",
)
FIELD_LABELS = {
    "assessed_on": "Date of assessment",
    "starts_at": "Start time",
    "ends_at": "End time",
    "mode": "How it was carried out",
    "occasions": "Occasions",
    "questioning_minutes": "Question and answer minutes",
    "feedback": "Feedback",
    "interview": "Interview questions",
    "grade": "Grade",
}

JudgementKey = tuple[str, str]
JudgementState = tuple[str, str, tuple[str, ...]] | None


class RecordRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action on a record the rules do not allow now, with a message saying why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]


# --- sittings ---------------------------------------------------------------------------


def current_sitting(registration: Registration) -> Sitting | None:
    """The registration's latest sitting, if its EPA has started."""
    return registration.sittings.order_by("-number").first()


def ensure_first_sitting(registration: Registration, actor: User | None) -> Sitting:
    """The registration's current sitting, creating the first (every method) if none.

    Refused until the gateway is accepted.
    """
    sitting = current_sitting(registration)
    if sitting is not None:
        return sitting
    if registration.status != Registration.Status.GATEWAY_ACCEPTED:
        raise RecordRefused(
            f"{registration.apprentice.full_name}'s gateway is not accepted yet "
            f"(status: {registration.get_status_display().lower()}): assessments can be "
            "recorded once the EPAO confirms the gateway."
        )
    spec, _ = specs.rules_of(registration)
    return Sitting.objects.create(
        registration=registration,
        number=1,
        kind=Sitting.Kind.FIRST,
        methods=[method.id for method in spec.methods],
        created_by=actor,
        reason="First attempt, opened when the first record was started.",
    )


# --- grading ----------------------------------------------------------------------------


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


# --- opening and reading records ---------------------------------------------------------


def open_record(registration: Registration, method_id: str, user: User) -> AssessmentRecord:
    """The record of ``method_id`` in the current sitting, started if need be.

    Only the registration's allocated assessor may keep it. Refused before the gateway is
    accepted, for a method not taken in this sitting (passed earlier, so carried forward),
    and once the sitting's result is released.
    """
    if registration.assessor_id != user.pk:
        raise RecordRefused(
            "Only the assessor allocated to this apprentice can record their assessment."
        )
    spec, _ = specs.rules_of(registration)
    method = method_of_or_refuse(spec, method_id)
    with transaction.atomic():
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        registration.refresh_from_db(fields=["status"])
        if registration.status == Registration.Status.GATEWAY and current_sitting(registration):
            raise RecordRefused(
                f"{registration.apprentice.full_name} is back at the gateway for a retake: "
                "assessments can be recorded once the EPAO confirms the gateway again."
            )
        sitting = ensure_first_sitting(registration, user)
        if hasattr(sitting, "result"):
            raise RecordRefused(
                f"The result of sitting {sitting.number} has been released: a new assessment "
                "needs a resit or retake recorded by the EPAO first."
            )
        if method.id not in sitting.methods:
            raise RecordRefused(
                f"The {method.name} is not taken again in this {sitting.get_kind_display()}: "
                "it was passed earlier and its grade carries forward."
            )
        record = AssessmentRecord.objects.filter(sitting=sitting, method_id=method.id).first()
        if record is None:
            record = AssessmentRecord.objects.create(
                registration=registration,
                sitting=sitting,
                method_id=method.id,
                assessor=user,
                updated_by=user,
                **_from_booking(registration, method.id),
            )
            record_event(
                actor=user,
                epao=registration.epao,
                action="assessment.started",
                obj=record,
                summary=f"Started the record of the {method.name}",
                registration=registration,
            )
        elif record.assessor_id != user.pk and not record.submitted:
            record.assessor = user
            record.save(update_fields=["assessor"])
    record.registration = registration
    return record


def method_of_or_refuse(spec: Specification, method_id: str) -> Method:
    """The method, or a refusal naming the methods of the specification."""
    try:
        return method_of(spec, method_id)
    except KeyError as error:
        raise RecordRefused(str(error.args[0])) from None


def _from_booking(registration: Registration, method_id: str) -> dict[str, Any]:
    """Date, time, mode and occasions taken from the method's live booking, if any."""
    booking = (
        Booking.objects.filter(
            registration=registration, method_id=method_id, status=Booking.Status.BOOKED
        )
        .order_by("-on")
        .first()
    )
    if booking is None:
        return {}
    minutes = [int(m) for m in booking.minutes or []]
    return {
        "assessed_on": booking.on,
        "starts_at": booking.starts_at,
        "mode": booking.mode,
        "occasions": (
            [{"on": booking.on.isoformat(), "minutes": m} for m in minutes]
            if len(minutes) > 1
            else []
        ),
    }


def judgements_of(record: AssessmentRecord) -> dict[JudgementKey, Judgement]:
    """The record's current judgements by (checklist, criterion)."""
    return {(j.checklist, j.criterion_id): j for j in record.judgements.all()}


def history_of(record: AssessmentRecord) -> list[RecordChange]:
    """Every change to the record, oldest first, with who made it."""
    return list(record.changes.select_related("changed_by").order_by("changed_at", "id"))


# --- saving drafts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One field as the person's page showed it and as they want it."""

    original: Any
    new: Any


@dataclass(frozen=True)
class Conflict:
    """A field someone else changed while this person was changing it too."""

    field: str
    label: str
    yours: Any
    theirs: Any
    by: str
    at: datetime | None


@dataclass
class SaveOutcome:
    """What a save did: fields saved, conflicts kept for the person, fields refused."""

    record: AssessmentRecord
    saved: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    """A value as JSON stores it (dates and times as ISO text, tuples as lists)."""
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _comparable(value: Any) -> Any:
    """A value for comparing what a page showed with what is stored: empty is empty."""
    plain = _plain(value)
    return None if plain in ("", [], None) else plain


def _judgement_state(judgement: Judgement | None) -> JudgementState:
    if judgement is None:
        return None
    return (judgement.value, judgement.comment, tuple(judgement.evidence or ()))


def _normalise_state(state: Any) -> JudgementState:
    if state is None:
        return None
    value, comment, evidence = state
    return (str(value), str(comment or "").strip(), tuple(sorted(str(e) for e in evidence)))


def _field_problem(spec: Specification, method: Method, name: str, value: Any) -> str | None:
    """A value a field can never hold (checked as it is saved, not only on submission)."""
    if name == "questioning_minutes":
        return questioning_over_limit(spec, method.id, value)
    if name == "mode":
        return mode_not_allowed(method, value or "")
    if name == "assessed_on":
        return assessed_in_future(value, clock.today())
    return None


def _lock(record_pk: int, user: User) -> AssessmentRecord:
    """The record as stored now, locked for this transaction."""
    record = (
        AssessmentRecord.objects.select_for_update(of=("self",))
        .select_related("registration", "registration__apprentice", "sitting")
        .get(pk=record_pk)
    )
    return record


def changed_since(record: AssessmentRecord, again: str) -> str:
    """The refusal when the record was saved since the person's page showed it."""
    who = record.updated_by.full_name if record.updated_by else "someone else"
    return (
        f"The record changed since you opened it ({who} saved it at "
        f"{timezone.localtime(record.updated_at):%H:%M}): check it and {again} again."
    )


def _require_draft_for(record: AssessmentRecord, user: User) -> None:
    if record.assessor_id != user.pk or record.registration.assessor_id != user.pk:
        raise RecordRefused("Only the allocated assessor can change this record.")
    if record.submitted:
        who = record.submitted_by.full_name if record.submitted_by else "the assessor"
        when = timezone.localtime(record.submitted_at) if record.submitted_at else None
        raise RecordRefused(
            f"This record was submitted by {who}"
            + (f" on {when:%-d %B %Y at %H:%M}" if when else "")
            + " and is locked: your changes were not saved. An IQA or an appeal reviewer "
            "can amend it with a reason."
        )


def _who(record: AssessmentRecord, field_name: str) -> tuple[str, datetime | None]:
    change = (
        record.changes.filter(field=field_name)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
        .first()
    )
    if change is None:
        return "someone else", None
    return change.changed_by.full_name, change.changed_at


def _change(
    record: AssessmentRecord,
    user: User,
    name: str,
    old: Any,
    new: Any,
    stage: str,
    reason: str = "",
) -> RecordChange:
    return RecordChange(
        record=record,
        field=name,
        old=_plain(old),
        new=_plain(new),
        stage=stage,
        reason=reason,
        changed_by=user,
        changed_at=clock.now(),
        revision=record.revision,
    )


@transaction.atomic
def save_draft(
    record_pk: int,
    user: User,
    fields: Mapping[str, Edit],
    judgements: Mapping[JudgementKey, Edit],
) -> SaveOutcome:
    """Save the fields and judgements the person changed, merging with others' saves.

    A field is saved when its stored value is still what the person's page showed (or
    already what they want); otherwise it is a :class:`Conflict` and the stored value
    stays. A value a field can never hold (Q&A minutes over the limit, a mode the method
    does not allow, a date in the future, an unknown criterion) is refused in ``problems``
    and the rest is saved.
    """
    record = _lock(record_pk, user)
    _require_draft_for(record, user)
    spec, _ = specs.rules_of(record.registration)
    method = method_of(spec, record.method_id)
    outcome = SaveOutcome(record=record)
    changes: list[RecordChange] = []
    updated: list[str] = []
    for name, edit in fields.items():
        if name not in RECORD_FIELDS:
            outcome.problems[name] = f"{name} is not a field of the record."
            continue
        if _comparable(edit.new) == _comparable(edit.original):
            continue
        problem = _field_problem(spec, method, name, edit.new)
        if problem:
            outcome.problems[name] = problem
            continue
        stored = getattr(record, name)
        if _comparable(stored) == _comparable(edit.new):
            continue
        if _comparable(stored) != _comparable(edit.original):
            by, at = _who(record, name)
            outcome.conflicts.append(
                Conflict(name, FIELD_LABELS.get(name, name), edit.new, stored, by, at)
            )
            continue
        changes.append(_change(record, user, name, stored, edit.new, RecordChange.Stage.DRAFT))
        setattr(record, name, edit.new)
        updated.append(name)
    judged = _save_judgements(record, user, spec, method, judgements, outcome, changes)
    if changes:
        record.revision += 1
        for change in changes:
            change.revision = record.revision
        record.updated_by = user
        record.updated_at = clock.now()
        record.save(update_fields=[*updated, "revision", "updated_by", "updated_at"])
        RecordChange.objects.bulk_create(changes)
        outcome.saved = [*updated, *judged]
    return outcome


def _known_criteria(spec: Specification, method: Method) -> dict[str, set[str]]:
    """The criterion ids a record may judge, by checklist ("" for the method's own)."""
    known = {"": {c.id for c in method.criteria}}
    for checklist in method.additional_checklists:
        target_method, _, element = checklist.exempts.partition("/")
        target = method_of(spec, target_method)
        known[checklist.id] = {c.id for c in target.criteria if c.element == element}
    return known


def _save_judgements(
    record: AssessmentRecord,
    user: User,
    spec: Specification,
    method: Method,
    edits: Mapping[JudgementKey, Edit],
    outcome: SaveOutcome,
    changes: list[RecordChange],
) -> list[str]:
    """Apply judgement edits (see :func:`save_draft`); returns the fields saved."""
    known = _known_criteria(spec, method)
    current = judgements_of(record)
    saved: list[str] = []
    for (checklist, criterion), edit in edits.items():
        name = f"judgement:{checklist}:{criterion}"
        if criterion not in known.get(checklist, set()):
            outcome.problems[name] = (
                f"{criterion} is not a criterion of this record"
                + (f"'s {checklist} checklist" if checklist else "")
                + ": reload the page."
            )
            continue
        wanted, seen = _normalise_state(edit.new), _normalise_state(edit.original)
        if wanted is None or wanted == seen:
            continue
        if wanted[0] not in KEY_VALUES:
            outcome.problems[name] = f"{criterion}: choose met, not met, met with a comment or Q."
            continue
        judgement = current.get((checklist, criterion))
        stored = _normalise_state(_judgement_state(judgement))
        if stored == wanted:
            continue
        if stored != seen:
            by, at = _who(record, name)
            outcome.conflicts.append(Conflict(name, criterion, edit.new, stored, by, at))
            continue
        value, comment, evidence = wanted
        if judgement is None:
            Judgement.objects.create(
                record=record,
                checklist=checklist,
                criterion_id=criterion,
                value=value,
                comment=comment,
                evidence=list(evidence),
                changed_by=user,
            )
        else:
            judgement.value, judgement.comment = value, comment
            judgement.evidence = list(evidence)
            judgement.changed_by, judgement.changed_at = user, clock.now()
            judgement.save(
                update_fields=["value", "comment", "evidence", "changed_by", "changed_at"]
            )
        changes.append(_change(record, user, name, stored, wanted, RecordChange.Stage.DRAFT))
        saved.append(name)
    return saved


# --- submitting -------------------------------------------------------------------------


def record_data(record: AssessmentRecord, spec: Specification) -> RecordData:
    """The record as plain data for the submission rules."""
    entries = {
        j.criterion_id: Entry(j.value, j.comment)
        for j in record.judgements.all()
        if not j.checklist
    }
    return RecordData(
        method_id=record.method_id,
        today=clock.today(),
        assessed_on=record.assessed_on,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        mode=record.mode,
        occasions=[int(o.get("minutes", 0)) for o in record.occasions or []],
        questioning_minutes=record.questioning_minutes,
        interview_questions=len(record.interview or []),
        feedback=record.feedback,
        entries=entries,
        exempt_criteria=exempt_criteria(record, include_drafts=False),
    )


def _policy(epao_id: int) -> SamplingPolicy:
    policy = policy_of(epao_id)
    return SamplingPolicy(
        first_decisions=policy.sample_first_decisions,
        all_fails=policy.sample_all_fails,
        all_distinctions=policy.sample_all_distinctions,
        percent_of_rest=policy.sample_percent_of_rest,
    )


@transaction.atomic
def submit_record(record_pk: int, user: User, revision: int) -> AssessmentRecord:
    """Lock the record with the engine's grade and decide whether the IQA samples it.

    Refused if the record changed since the person's page showed it (``revision``), or
    with every problem that stops submission (:func:`submission_problems`).
    """
    record = _lock(record_pk, user)
    _require_draft_for(record, user)
    if record.revision != revision:
        raise RecordRefused(changed_since(record, "submit"))
    spec, _ = specs.rules_of(record.registration)
    problems = submission_problems(spec, record_data(record, spec))
    if problems:
        raise RecordRefused("The record cannot be submitted yet.", problems)
    result = grade_sitting(record.registration, record.sitting, include_drafts=True)
    method_result = next(m for m in result.methods if m.id == record.method_id)
    if method_result.grade == "incomplete":
        raise RecordRefused(
            "The record cannot be submitted yet.",
            [f"The grade is incomplete: {method_result.reason}."],
        )
    earlier = (
        AssessmentRecord.objects.filter(assessor=user, status=AssessmentRecord.Status.SUBMITTED)
        .exclude(pk=record.pk)
        .count()
    )
    draw = secrets.SystemRandom().random()
    sampling = sample_decision(
        _policy(record.registration.epao_id), earlier, method_result.grade, draw
    )
    now = clock.now()
    record.revision += 1
    changes = [
        _change(
            record, user, "grade", record.grade, method_result.grade, RecordChange.Stage.SUBMIT
        ),
        _change(record, user, "status", record.status, "submitted", RecordChange.Stage.SUBMIT),
    ]
    record.grade = method_result.grade
    record.grade_reason = method_result.reason
    record.capped = method_result.capped
    record.status = AssessmentRecord.Status.SUBMITTED
    record.submitted_by, record.submitted_at = user, now
    record.iqa_status = (
        AssessmentRecord.Iqa.HELD if sampling.sampled else AssessmentRecord.Iqa.NOT_SAMPLED
    )
    record.sample_reason, record.sample_draw = sampling.reason, draw
    record.updated_by, record.updated_at = user, now
    record.save()
    RecordChange.objects.bulk_create(changes)
    record_event(
        actor=user,
        epao=record.registration.epao,
        action="assessment.submitted",
        obj=record,
        summary=f"Submitted the {method_result.name} record: {method_result.label}"
        + ("; held for IQA" if sampling.sampled else ""),
        registration=record.registration,
        changes={"grade": ("", method_result.grade), "iqa_status": ("", record.iqa_status)},
        reason=sampling.reason,
    )
    return record


# --- amending a submitted record (IQA, appeal) -------------------------------------------


@transaction.atomic
def amend_record(
    record_pk: int,
    user: User,
    judgements: Mapping[JudgementKey, tuple[str, str]],
    reason: str,
    stage: str,
) -> AssessmentRecord:
    """Change judgements of a submitted record with a reason, and re-grade it.

    The caller decides who may amend (the IQA, an appeal reviewer). Each changed judgement
    and any change of grade is kept as a :class:`RecordChange` with ``stage`` and
    ``reason``. Refused without a reason, for a draft, or with nothing changed.
    """
    if not reason.strip():
        raise RecordRefused("Give the reason for the amendment: it is kept with the record.")
    record = _lock(record_pk, user)
    if not record.submitted:
        raise RecordRefused("Only a submitted record can be amended.")
    spec, _ = specs.rules_of(record.registration)
    method = method_of(spec, record.method_id)
    known = _known_criteria(spec, method)
    current = judgements_of(record)
    changes: list[RecordChange] = []
    for (checklist, criterion), (value, comment) in judgements.items():
        if criterion not in known.get(checklist, set()) or value not in KEY_VALUES:
            raise RecordRefused(f"{criterion} cannot be set to {value!r} in this record.")
        judgement = current.get((checklist, criterion))
        old = _judgement_state(judgement)
        new = (value, comment.strip(), old[2] if old else ())
        if _normalise_state(old) == _normalise_state(new):
            continue
        if judgement is None:
            Judgement.objects.create(
                record=record,
                checklist=checklist,
                criterion_id=criterion,
                value=value,
                comment=comment.strip(),
                changed_by=user,
            )
        else:
            judgement.value, judgement.comment = value, comment.strip()
            judgement.changed_by, judgement.changed_at = user, clock.now()
            judgement.save(update_fields=["value", "comment", "changed_by", "changed_at"])
        changes.append(
            _change(record, user, f"judgement:{checklist}:{criterion}", old, new, stage, reason)
        )
    if not changes:
        raise RecordRefused("Nothing was changed: change at least one judgement to amend.")
    result = grade_sitting(record.registration, record.sitting)
    method_result = next(m for m in result.methods if m.id == record.method_id)
    record.revision += 1
    if method_result.grade != record.grade:
        changes.append(
            _change(record, user, "grade", record.grade, method_result.grade, stage, reason)
        )
    for change in changes:
        change.revision = record.revision
    old_grade = record.grade
    record.grade, record.grade_reason = method_result.grade, method_result.reason
    record.capped = method_result.capped
    record.updated_by, record.updated_at = user, clock.now()
    record.save()
    RecordChange.objects.bulk_create(changes)
    record_event(
        actor=user,
        epao=record.registration.epao,
        action=f"assessment.amended.{stage}",
        obj=record,
        summary=f"Amended the {method_result.name} record ({len(changes)} changes)",
        registration=record.registration,
        changes={"grade": (old_grade, record.grade)},
        reason=reason,
    )
    return record


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
