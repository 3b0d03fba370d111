"""What every change to an assessment record shares: its judgements, history and change rows.

A record is changed under a row lock (:func:`lock_record`); a draft only by its allocated
assessor (:func:`require_draft_for`). Every applied change leaves a :class:`RecordChange` row
(:func:`change_row`) with the old and new values as JSON stores them.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Judgement, RecordChange
from openepa.assessment.refusals import RecordRefused
from openepa.kernel import clock
from openepa.registration.lifecycle import work_problem
from openepa.rules.model import Method, Specification
from openepa.rules.recording import method_of

JudgementKey = tuple[str, str]
JudgementState = tuple[str, str, tuple[str, ...]] | None


def judgements_of(record: AssessmentRecord) -> dict[JudgementKey, Judgement]:
    """The record's current judgements by (checklist, criterion)."""
    return {(j.checklist, j.criterion_id): j for j in record.judgements.all()}


def history_of(record: AssessmentRecord) -> list[RecordChange]:
    """Every change to the record, oldest first, with who made it."""
    return list(record.changes.select_related("changed_by").order_by("changed_at", "id"))


def stored_value(value: Any) -> Any:
    """A value as JSON stores it (dates and times as ISO text, tuples as lists)."""
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [stored_value(v) for v in value]
    if isinstance(value, list):
        return [stored_value(v) for v in value]
    return value


def judgement_state(judgement: Judgement | None) -> JudgementState:
    """A stored judgement as (value, comment, evidence), or None when there is none."""
    if judgement is None:
        return None
    return (judgement.value, judgement.comment, tuple(judgement.evidence or ()))


def normalised_state(state: Any) -> JudgementState:
    """A judgement state for comparing: text values, comment stripped, evidence sorted."""
    if state is None:
        return None
    value, comment, evidence = state
    return (str(value), str(comment or "").strip(), tuple(sorted(str(e) for e in evidence)))


def lock_record(record_pk: int, user: User) -> AssessmentRecord:
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


def require_draft_for(record: AssessmentRecord, user: User) -> None:
    """Refuse unless ``user`` is the record's allocated assessor and it is still a draft.

    Refused too while the registration is withdrawn or on hold.
    """
    if record.assessor_id != user.pk or record.registration.assessor_id != user.pk:
        raise RecordRefused("Only the allocated assessor can change this record.")
    paused = work_problem(record.registration)
    if paused:
        raise RecordRefused(paused)
    if record.submitted:
        who = record.submitted_by.full_name if record.submitted_by else "the assessor"
        when = timezone.localtime(record.submitted_at) if record.submitted_at else None
        raise RecordRefused(
            f"This record was submitted by {who}"
            + (f" on {when:%-d %B %Y at %H:%M}" if when else "")
            + " and is locked: your changes were not saved. An IQA or an appeal reviewer "
            "can amend it with a reason."
        )


def change_row(
    record: AssessmentRecord,
    user: User,
    name: str,
    old: Any,
    new: Any,
    stage: str,
    reason: str = "",
) -> RecordChange:
    """The :class:`RecordChange` row of one change (not yet saved), values as JSON stores them."""
    return RecordChange(
        record=record,
        field=name,
        old=stored_value(old),
        new=stored_value(new),
        stage=stage,
        reason=reason,
        changed_by=user,
        changed_at=clock.now(),
        revision=record.revision,
    )


def known_criteria(spec: Specification, method: Method) -> dict[str, set[str]]:
    """The criterion ids a record may judge, by checklist ("" for the method's own)."""
    known = {"": {c.id for c in method.criteria}}
    for checklist in method.additional_checklists:
        target_method, _, element = checklist.exempts.partition("/")
        target = method_of(spec, target_method)
        known[checklist.id] = {c.id for c in target.criteria if c.element == element}
    return known
