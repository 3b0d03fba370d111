"""The assessor's record of each method: opening it, and saving drafts field by field.

Drafts are saved field by field: a save carries, for each field the person changed, the value
their page showed and the value they want. A change is applied when the stored value is still
the one they saw; when someone else changed the same field meanwhile, nothing of theirs is
overwritten and the person is told, with both values. Every applied change adds a
:class:`RecordChange` row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from openepa.accounts.models import User
from openepa.assessment.changes import (
    JudgementKey,
    change_row,
    judgement_state,
    judgements_of,
    known_criteria,
    lock_record,
    normalised_state,
    require_draft_for,
    stored_value,
)
from openepa.assessment.models import AssessmentRecord, Judgement, RecordChange
from openepa.assessment.refusals import (
    RecordRefused,
    method_of_or_refuse,
    require_independence,
)
from openepa.assessment.sittings import current_sitting, ensure_first_sitting
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.planning.models import Booking
from openepa.registration.lifecycle import work_problem
from openepa.registration.models import Registration
from openepa.rules.model import Method, Specification
from openepa.rules.recording import (
    KEY_VALUES,
    assessed_in_future,
    method_of,
    mode_not_allowed,
    questioning_zero,
)

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


# --- opening a record -------------------------------------------------------------------


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
        registration.refresh_from_db(fields=["status", "withdrawn_on"])
        paused = work_problem(registration)
        if paused:
            raise RecordRefused(paused)
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


def open_or_read(registration: Registration, method_id: str, user: User) -> AssessmentRecord:
    """The record the allocated assessor opens: the draft to keep, or one to read.

    Where no record can be kept now (the sitting's result is released, the method carries
    forward, the apprentice is back at the gateway), the method's latest submitted record
    is returned to read; the refusal stands only when there is none.
    """
    try:
        return open_record(registration, method_id, user)
    except RecordRefused:
        latest = (
            AssessmentRecord.objects.filter(
                registration=registration,
                method_id=method_id,
                status=AssessmentRecord.Status.SUBMITTED,
            )
            .select_related("sitting", "assessor", "submitted_by")
            .order_by("-sitting__number")
            .first()
        )
        if latest is None:
            raise
        latest.registration = registration
        return latest


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


def _comparable(value: Any) -> Any:
    """A value for comparing what a page showed with what is stored: empty is empty."""
    plain = stored_value(value)
    return None if plain in ("", [], None) else plain


def _field_problem(spec: Specification, method: Method, name: str, value: Any) -> str | None:
    """A value a field can never hold (checked as it is saved, not only on submission)."""
    if name == "questioning_minutes":
        return questioning_zero(spec, method.id, value)
    if name == "mode":
        return mode_not_allowed(method, value or "")
    if name == "assessed_on":
        return assessed_in_future(value, clock.today())
    return None


def _who(record: AssessmentRecord, field_name: str) -> tuple[str, datetime | None]:
    """Who last changed ``field_name`` of the record, and when."""
    change = (
        record.changes.filter(field=field_name)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
        .first()
    )
    if change is None:
        return "someone else", None
    return change.changed_by.full_name, change.changed_at


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
    stays. A value a field can never hold (0 Q&A minutes where questioning is part of the
    method, a mode the method does not allow, a date in the future, an unknown criterion) is
    refused in ``problems``
    and the rest is saved. Nothing is saved once the assessor has declared a conflict with
    the apprentice (:func:`require_independence`).
    """
    record = lock_record(record_pk, user)
    require_draft_for(record, user)
    require_independence(record.registration, user)
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
        changes.append(change_row(record, user, name, stored, edit.new, RecordChange.Stage.DRAFT))
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
    known = known_criteria(spec, method)
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
        wanted, seen = normalised_state(edit.new), normalised_state(edit.original)
        if wanted is None or wanted == seen:
            continue
        if wanted[0] not in KEY_VALUES:
            outcome.problems[name] = f"{criterion}: choose met, not met, met with a comment or Q."
            continue
        judgement = current.get((checklist, criterion))
        stored = normalised_state(judgement_state(judgement))
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
        changes.append(change_row(record, user, name, stored, wanted, RecordChange.Stage.DRAFT))
        saved.append(name)
    return saved
