"""Submitting the assessor's record with the IQA sampling, and amending a submitted record.

A submitted record is locked with the engine's grade, and the EPAO's sampling policy decides
whether the IQA holds it (a record flagged for the IQA, such as a questioning overrun, is
always held). Only an IQA or an appeal reviewer can amend it, with a reason, and
the grade is then recomputed by the engine.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.db import transaction

from openepa.accounts.models import User
from openepa.accounts.policy import policy_of
from openepa.assessment.changes import (
    JudgementKey,
    change_row,
    changed_since,
    judgement_state,
    judgements_of,
    known_criteria,
    lock_record,
    normalised_state,
    require_draft_for,
)
from openepa.assessment.grading import exempt_criteria, grade_sitting
from openepa.assessment.models import AssessmentRecord, Judgement, RecordChange
from openepa.assessment.refusals import RecordRefused, require_independence
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.rules.model import Specification
from openepa.rules.recording import (
    KEY_VALUES,
    Entry,
    RecordData,
    method_of,
    questioning_overrun,
    submission_problems,
)
from openepa.rules.sampling import SamplingPolicy, sample_decision


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


def _flag(spec: Specification, record: AssessmentRecord) -> str:
    """Why the record is flagged for the IQA, in a few words (empty when it is not)."""
    if questioning_overrun(spec, record.method_id, record.questioning_minutes):
        return "the question and answer session ran over the specification's limit"
    return ""


@transaction.atomic
def submit_record(record_pk: int, user: User, revision: int) -> AssessmentRecord:
    """Lock the record with the engine's grade and decide whether the IQA samples it.

    Refused if the record changed since the person's page showed it (``revision``), once the
    assessor has declared a conflict with the apprentice, or with every problem that stops
    submission (:func:`submission_problems`).
    """
    record = lock_record(record_pk, user)
    require_draft_for(record, user)
    require_independence(record.registration, user)
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
        _policy(record.registration.epao_id),
        earlier,
        method_result.grade,
        draw,
        flagged=_flag(spec, record),
    )
    now = clock.now()
    record.revision += 1
    changes = [
        change_row(
            record, user, "grade", record.grade, method_result.grade, RecordChange.Stage.SUBMIT
        ),
        change_row(record, user, "status", record.status, "submitted", RecordChange.Stage.SUBMIT),
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
    record = lock_record(record_pk, user)
    if not record.submitted:
        raise RecordRefused("Only a submitted record can be amended.")
    spec, _ = specs.rules_of(record.registration)
    method = method_of(spec, record.method_id)
    known = known_criteria(spec, method)
    current = judgements_of(record)
    changes: list[RecordChange] = []
    for (checklist, criterion), (value, comment) in judgements.items():
        if criterion not in known.get(checklist, set()) or value not in KEY_VALUES:
            raise RecordRefused(f"{criterion} cannot be set to {value!r} in this record.")
        judgement = current.get((checklist, criterion))
        old = judgement_state(judgement)
        new = (value, comment.strip(), old[2] if old else ())
        if normalised_state(old) == normalised_state(new):
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
            change_row(record, user, f"judgement:{checklist}:{criterion}", old, new, stage, reason)
        )
    if not changes:
        raise RecordRefused("Nothing was changed: change at least one judgement to amend.")
    result = grade_sitting(record.registration, record.sitting)
    method_result = next(m for m in result.methods if m.id == record.method_id)
    record.revision += 1
    if method_result.grade != record.grade:
        changes.append(
            change_row(record, user, "grade", record.grade, method_result.grade, stage, reason)
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
