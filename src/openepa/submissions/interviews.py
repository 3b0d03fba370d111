"""The assessor's interview: the questions chosen from the bank for a record, and notes.

The choice is checked against the specification's count of interview questions
(:func:`openepa.rules.submissions.interview_count_refusal`); the record keeps a snapshot of
each question asked, and every save is kept as a :class:`RecordChange` and audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, RecordChange
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.rules.labels import method_name
from openepa.rules.model import Count
from openepa.rules.submissions import interview_count_refusal
from openepa.submissions.models import InterviewQuestion
from openepa.submissions.question_banks import bank_questions, interview_rule
from openepa.submissions.refusals import Changed, SubmissionRefused


def record_method_name(record: AssessmentRecord) -> str:
    """The name of the record's method, in the specification's words."""
    return method_name(specs.specification_of(record.registration), record.method_id)


def _lock_record(record: AssessmentRecord, user: User, revision: int) -> AssessmentRecord:
    locked = (
        AssessmentRecord.objects.select_for_update()
        .select_related("registration", "registration__specification")
        .get(pk=record.pk)
    )
    if locked.registration.assessor_id != user.pk or locked.assessor_id != user.pk:
        raise SubmissionRefused("Only the apprentice's allocated assessor records the interview")
    if locked.submitted:
        raise SubmissionRefused(
            "The record has been submitted: the interview can no longer be changed here"
        )
    if locked.revision != revision:
        raise Changed(
            "Someone else saved this record while you were working on it: check the questions "
            "and notes below, then save again"
        )
    return locked


def _save_interview(
    record: AssessmentRecord, user: User, new: list[dict[str, Any]], summary: str
) -> AssessmentRecord:
    old = record.interview
    record.interview = new
    record.revision += 1
    record.updated_by = user
    record.updated_at = clock.now()
    record.save(update_fields=["interview", "revision", "updated_by", "updated_at"])
    RecordChange.objects.create(
        record=record,
        field="interview",
        old=old,
        new=new,
        stage=RecordChange.Stage.DRAFT,
        changed_by=user,
        revision=record.revision,
    )
    record_event(
        actor=user,
        epao=record.registration.epao,
        action="submissions.interview_saved",
        obj=record,
        registration=record.registration,
        summary=summary,
        changes={"interview": (old, new)},
    )
    return record


def interview_bank(record: AssessmentRecord) -> tuple[Count, QuerySet[InterviewQuestion]]:
    """The count rule and the active questions an assessor may choose for ``record``."""
    registration = record.registration
    spec = specs.specification_of(registration)
    rule = interview_rule(spec, record.method_id)
    if rule is None:
        raise SubmissionRefused("This method has no interview questions")
    questions = bank_questions(registration.epao, spec.id, record.method_id, active_only=True)
    return rule, questions


@transaction.atomic
def set_interview_questions(
    record: AssessmentRecord, user: User, question_ids: Iterable[int], revision: int
) -> AssessmentRecord:
    """Choose the interview's questions: exactly the specification's count, all active.

    The record keeps a snapshot of each question's number and text (so a later edit of the
    bank does not change what was asked), and the notes of questions kept from before.
    """
    locked = _lock_record(record, user, revision)
    rule, active = interview_bank(locked)
    chosen = list(dict.fromkeys(int(pk) for pk in question_ids))
    problem = interview_count_refusal(len(chosen), rule)
    if problem:
        raise SubmissionRefused(problem, "questions")
    found = {q.pk: q for q in active.filter(pk__in=chosen)}
    missing = [pk for pk in chosen if pk not in found]
    if missing:
        numbers = InterviewQuestion.objects.filter(pk__in=missing).values_list("number", flat=True)
        listed = ", ".join(str(n) for n in sorted(numbers)) or "chosen"
        raise SubmissionRefused(
            f"Question {listed} has been retired or is not in this bank: choose "
            f"{rule.count} active questions from the list",
            "questions",
        )
    notes = {item.get("question"): item.get("notes", "") for item in locked.interview}
    new = [
        {"question": q.pk, "number": q.number, "text": q.text, "notes": notes.get(q.pk, "")}
        for q in sorted(found.values(), key=lambda q: q.number)
    ]
    return _save_interview(
        locked,
        user,
        new,
        f"Chose {len(new)} interview questions for the {record_method_name(locked)}",
    )


@transaction.atomic
def save_interview_notes(
    record: AssessmentRecord, user: User, notes: dict[int, str], revision: int
) -> AssessmentRecord:
    """Record the assessor's notes on each chosen question."""
    locked = _lock_record(record, user, revision)
    if not locked.interview:
        raise SubmissionRefused("Choose the interview questions before writing notes")
    chosen = {item["question"] for item in locked.interview}
    stray = [pk for pk in notes if pk not in chosen]
    if stray:
        raise SubmissionRefused("Notes can only be written for the questions chosen")
    new = [
        {**item, "notes": notes.get(item["question"], item.get("notes", "")).strip()}
        for item in locked.interview
    ]
    if new == locked.interview:
        return locked
    return _save_interview(
        locked, user, new, f"Saved interview notes for the {record_method_name(locked)}"
    )
