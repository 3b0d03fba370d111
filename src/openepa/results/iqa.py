"""Internal quality assurance: the IQA's queue of sampled decisions, upholding and amending.

When an assessor submits a record, :func:`openepa.assessment.submission.submit_record` decides
with the EPAO's policy whether the decision is sampled and, if so, holds it for IQA. The
registration's IQA then either upholds the decision or amends its judgements with a reason
(the engine re-grades the record). Only the registration's IQA may decide, never the
assessor who made the decision nor an IQA who has since declared a conflict with the
apprentice; a decision already taken is refused with who and when. Both
outcomes are kept in the record's history and the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.changes import JudgementKey, changed_since
from openepa.assessment.models import AssessmentRecord, RecordChange
from openepa.assessment.refusals import RecordRefused
from openepa.assessment.submission import amend_record
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.planning.conflicts import conflict_refusal
from openepa.registration.access import registrations_for
from openepa.rules.labels import method_name
from openepa.rules.recording import questioning_overrun

Held = AssessmentRecord.Iqa.HELD


def method_of(record: AssessmentRecord) -> str:
    """The record's method in the specification's words."""
    return method_name(specs.specification_of(record.registration), record.method_id)


def held_for(user: User) -> QuerySet[AssessmentRecord]:
    """Submitted decisions held for IQA on registrations whose IQA is ``user``, oldest first."""
    return (
        AssessmentRecord.objects.filter(
            registration__in=registrations_for(user).filter(iqa_id=user.pk),
            status=AssessmentRecord.Status.SUBMITTED,
            iqa_status=Held,
        )
        .select_related(
            "registration",
            "registration__apprentice",
            "registration__specification",
            "assessor",
            "sitting",
        )
        .order_by("submitted_at", "pk")
    )


def record_for(user: User, record_pk: int) -> AssessmentRecord:
    """A submitted record on a registration in the user's scope, or 404."""
    record = (
        AssessmentRecord.objects.filter(
            registration__in=registrations_for(user), status=AssessmentRecord.Status.SUBMITTED
        )
        .select_related(
            "registration",
            "registration__apprentice",
            "registration__specification",
            "registration__iqa",
            "assessor",
            "sitting",
            "submitted_by",
            "iqa_decided_by",
        )
        .filter(pk=record_pk)
        .first()
    )
    if record is None:
        raise Http404("No such assessment record")
    return record


def flags_of(record: AssessmentRecord) -> list[str]:
    """What the record flags for the IQA (a questioning overrun), each in a sentence."""
    spec, _ = specs.rules_of(record.registration)
    overrun = questioning_overrun(spec, record.method_id, record.questioning_minutes)
    return [overrun] if overrun else []


def iqa_refusal(record: AssessmentRecord, user: User) -> str | None:
    """Why ``user`` may not take the IQA decision on ``record`` now, or None if they may."""
    if record.assessor_id == user.pk or record.submitted_by_id == user.pk:
        return (
            "You made this assessment decision, so you cannot quality assure it: another IQA "
            "must review it. Ask the EPAO admin to allocate a different IQA."
        )
    if record.registration.iqa_id != user.pk:
        return "Only the IQA allocated to this apprentice can review this decision" + (
            f" ({record.registration.iqa.full_name})."
            if record.registration.iqa_id and record.registration.iqa
            else "; no IQA is allocated yet."
        )
    if record.iqa_status != Held:
        return _already_decided(record)
    return conflict_refusal(record.registration, user)


def _already_decided(record: AssessmentRecord) -> str:
    if record.iqa_status == AssessmentRecord.Iqa.NOT_SAMPLED:
        return "This decision was not sampled for IQA: there is nothing to review."
    who = record.iqa_decided_by.full_name if record.iqa_decided_by else "another IQA"
    when = (
        f" on {timezone.localtime(record.iqa_decided_at):%-d %B %Y at %H:%M}"
        if record.iqa_decided_at
        else ""
    )
    verb = "upheld" if record.iqa_status == AssessmentRecord.Iqa.UPHELD else "amended"
    return f"This decision was already {verb} by {who}{when}: nothing was changed."


def _lock_for_decision(record_pk: int, user: User, revision: int) -> AssessmentRecord:
    record = (
        AssessmentRecord.objects.select_for_update(of=("self",))
        .select_related("registration", "registration__iqa", "iqa_decided_by", "updated_by")
        .get(pk=record_pk)
    )
    refusal = iqa_refusal(record, user)
    if refusal:
        raise RecordRefused(refusal)
    if record.revision != revision:
        raise RecordRefused(changed_since(record, "decide"))
    return record


def _record_decision(
    record: AssessmentRecord, user: User, status: str, reason: str, history_reason: str
) -> None:
    """Clear a held record as upheld or amended, keeping the decision in its history."""
    now = clock.now()
    record.revision += 1
    RecordChange.objects.create(
        record=record,
        field="iqa_status",
        old=Held,
        new=status,
        stage=RecordChange.Stage.IQA,
        reason=history_reason,
        changed_by=user,
        changed_at=now,
        revision=record.revision,
    )
    record.iqa_status = status
    record.iqa_decided_by, record.iqa_decided_at, record.iqa_reason = user, now, reason
    record.updated_by, record.updated_at = user, now
    record.save(
        update_fields=[
            "iqa_status",
            "iqa_decided_by",
            "iqa_decided_at",
            "iqa_reason",
            "revision",
            "updated_by",
            "updated_at",
        ]
    )


@transaction.atomic
def uphold(record_pk: int, user: User, revision: int, reason: str = "") -> AssessmentRecord:
    """The IQA agrees with the assessor's decision; the record is cleared for release."""
    record = _lock_for_decision(record_pk, user, revision)
    reason = reason.strip()
    _record_decision(
        record, user, AssessmentRecord.Iqa.UPHELD, reason, reason or "Upheld by the IQA"
    )
    record_event(
        actor=user,
        epao=record.registration.epao,
        action="iqa.upheld",
        obj=record,
        summary=f"Upheld the {method_of(record)} decision ({record.grade})",
        registration=record.registration,
        changes={"iqa_status": (Held, AssessmentRecord.Iqa.UPHELD)},
        reason=reason,
    )
    return record


@transaction.atomic
def amend(
    record_pk: int,
    user: User,
    revision: int,
    judgements: Mapping[JudgementKey, tuple[str, str]],
    reason: str,
) -> AssessmentRecord:
    """The IQA changes judgements of the decision with a reason; the engine re-grades it.

    ``judgements`` maps (checklist, criterion) to the (value, comment) wanted; only the
    ones that differ from the record are changed. Refused without a reason or with nothing
    changed (uphold the decision instead).
    """
    reason = reason.strip()
    if not reason:
        raise RecordRefused(
            "Give the reason for the amendment: it is kept with the record and shown to the "
            "assessor."
        )
    record = _lock_for_decision(record_pk, user, revision)
    old_grade = record.grade
    amend_record(record.pk, user, judgements, reason, RecordChange.Stage.IQA)
    record = AssessmentRecord.objects.select_related("registration").get(pk=record.pk)
    _record_decision(record, user, AssessmentRecord.Iqa.AMENDED, reason, reason)
    record_event(
        actor=user,
        epao=record.registration.epao,
        action="iqa.amended",
        obj=record,
        summary=f"Amended the {method_of(record)} decision: {old_grade} to {record.grade}",
        registration=record.registration,
        changes={
            "iqa_status": (Held, AssessmentRecord.Iqa.AMENDED),
            "grade": (old_grade, record.grade),
        },
        reason=reason,
    )
    return record
