"""Assessor profiles, declared relationships and allocation.

Every change is audited with its old and new values (and the reason, where one is given).
Profiles and registrations change by compare-and-swap on ``revision``, so two admins
editing one profile, or allocating one apprentice, at once never overwrite each other: the
second is told what happened. Eligibility is read by :mod:`openepa.planning.eligibility` and
judged by the pure :mod:`openepa.rules.allocation`; the allocation is checked again on the
server whatever the page offered, and an EPAO admin may allocate an assessor at capacity only
with a reason, audited with the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from openepa.accounts.models import Organisation, User
from openepa.audit.services import diff, record_event
from openepa.kernel import clock, events
from openepa.planning.conflicts import announce_conflicts
from openepa.planning.eligibility import candidates_for
from openepa.planning.events import AssessorAllocated
from openepa.planning.models import Allocation as AllocationRecord
from openepa.planning.models import AssessorProfile, Relationship, UnavailablePeriod
from openepa.registration.models import Registration
from openepa.rules import allocation as rules
from openepa.specifications.models import SpecificationRecord

Role = User.Role
STAFF_ROLES = (Role.ASSESSOR, Role.IQA)


class PlanningRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action the rules do not allow, with a message saying why and what to do."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RecordChanged(PlanningRefused):
    """Someone else changed the record while this person was working on it."""


# --- profiles ---------------------------------------------------------------------------


def staff(epao_id: int) -> QuerySet[User]:
    """The EPAO's assessors and IQAs who may have a profile."""
    return User.objects.filter(epao_id=epao_id, role__in=STAFF_ROLES, is_active=True)


def current_specifications() -> list[SpecificationRecord]:
    """The specifications an assessor may be approved for, by id."""
    return list(SpecificationRecord.objects.filter(is_current=True).order_by("spec_id"))


def profile_of(person: User) -> AssessorProfile:
    """The person's stored profile, created with the defaults before its first change."""
    profile, _ = AssessorProfile.objects.get_or_create(user=person)
    profile.user = person
    return profile


def shown_profile(person: User) -> AssessorProfile:
    """The person's profile to show: the stored one, or the defaults (not saved) if none."""
    try:
        return person.assessor_profile
    except AssessorProfile.DoesNotExist:
        return AssessorProfile(user=person)


def _profile_event(
    actor: User, profile: AssessorProfile, action: str, summary: str, **kwargs: Any
) -> None:
    record_event(
        actor=actor, epao=actor.epao, action=action, obj=profile, summary=summary, **kwargs
    )


@transaction.atomic
def update_profile(
    profile: AssessorProfile, actor: User, *, revision: int, **values: Any
) -> dict[str, tuple[Any, Any]]:
    """Change the profile's approvals, capacity, working days, region or remote working.

    Returns the changes made (none if nothing differed). Refused with :class:`RecordChanged`
    if someone else saved the profile since ``revision``.
    """
    values["approved_specs"] = sorted(values.get("approved_specs", profile.approved_specs))
    values["working_days"] = sorted(
        int(d) for d in values.get("working_days", profile.working_days)
    )
    fresh = AssessorProfile.objects.select_for_update().get(pk=profile.pk)
    if fresh.revision != revision:
        raise RecordChanged(
            f"Someone else changed the profile of {profile.user.full_name} while you were "
            "editing it: check their changes below and save again"
        )
    changes = diff(fresh, values)
    if not changes:
        return {}
    updated = AssessorProfile.objects.filter(pk=profile.pk, revision=revision).update(
        revision=revision + 1, updated_at=clock.now(), **values
    )
    if not updated:  # pragma: no cover (the row is locked)
        raise RecordChanged("Someone else changed the profile: reload the page")
    for name, value in values.items():
        setattr(profile, name, value)
    profile.revision = revision + 1
    _profile_event(
        actor,
        profile,
        "planning.profile_changed",
        f"Profile of {profile.user.full_name} changed",
        changes=changes,
    )
    return changes


@transaction.atomic
def add_unavailable(
    profile: AssessorProfile, actor: User, *, first_day: date, last_day: date, note: str = ""
) -> UnavailablePeriod:
    """Record dates on which the person cannot assess."""
    if last_day < first_day:
        raise PlanningRefused(
            "The last day must be the same as or after the first day", field="last_day"
        )
    period = UnavailablePeriod.objects.create(
        profile=profile, first_day=first_day, last_day=last_day, note=note
    )
    _profile_event(
        actor,
        profile,
        "planning.unavailable_added",
        f"{profile.user.full_name} unavailable from {first_day} to {last_day}",
        changes={"unavailable": (None, f"{first_day} to {last_day}")},
        reason=note,
    )
    return period


@transaction.atomic
def remove_unavailable(period: UnavailablePeriod, actor: User) -> None:
    """Remove dates the person was unavailable (they are available again)."""
    profile = period.profile
    text = f"{period.first_day} to {period.last_day}"
    period.delete()
    _profile_event(
        actor,
        profile,
        "planning.unavailable_removed",
        f"{profile.user.full_name} available again from {text}",
        changes={"unavailable": (text, None)},
    )


@transaction.atomic
def declare_relationship(
    profile: AssessorProfile,
    actor: User,
    *,
    kind: str,
    declared_on: date,
    organisation: Organisation | None = None,
    uln: str = "",
    apprentice_name: str = "",
    note: str = "",
) -> Relationship:
    """Record a relationship the person declared (by themself or an EPAO admin for them).

    Where it ends their independence of an apprentice already allocated to them, the EPAO
    is asked to reallocate (:func:`openepa.planning.conflicts.announce_conflicts`).
    """
    party = Relationship.PARTY[Relationship.Kind(kind)]
    if party == rules.Party.APPRENTICE:
        if not uln:
            raise PlanningRefused("Enter the apprentice's ULN", field="uln")
        organisation = None
    else:
        expected = (
            Organisation.Kind.EMPLOYER
            if party == rules.Party.EMPLOYER
            else Organisation.Kind.PROVIDER
        )
        if organisation is None or organisation.kind != expected:
            label = "employer" if expected == Organisation.Kind.EMPLOYER else "training provider"
            raise PlanningRefused(f"Select the {label}", field="organisation")
        if organisation.epao_id != profile.user.epao_id:
            raise PlanningRefused("Select an organisation from the list", field="organisation")
        uln, apprentice_name = "", ""
    relationship = Relationship.objects.create(
        profile=profile,
        kind=kind,
        organisation=organisation,
        uln=uln,
        apprentice_name=apprentice_name,
        declared_on=declared_on,
        note=note,
        declared_by=actor,
    )
    _profile_event(
        actor,
        profile,
        "planning.relationship_declared",
        f"{profile.user.full_name} declared: {relationship}",
        changes={"relationship": (None, str(relationship))},
        reason=note,
    )
    announce_conflicts(relationship, actor)
    return relationship


@transaction.atomic
def remove_relationship(relationship: Relationship, actor: User, *, reason: str) -> None:
    """Withdraw a declaration (kept, marked removed, with who, when and why)."""
    if not reason.strip():
        raise PlanningRefused("Say why the relationship no longer applies", field="reason")
    now = clock.now()
    updated = Relationship.objects.filter(pk=relationship.pk, removed_at__isnull=True).update(
        removed_at=now, removed_by=actor, removal_reason=reason
    )
    if not updated:
        raise PlanningRefused("This relationship was already removed")
    _profile_event(
        actor,
        relationship.profile,
        "planning.relationship_removed",
        f"Declaration removed for {relationship.profile.user.full_name}: {relationship}",
        changes={"relationship": (str(relationship), None)},
        reason=reason,
    )


# --- allocation -------------------------------------------------------------------------


@dataclass
class Allocated:
    """What an allocation changed."""

    record: AllocationRecord
    changes: dict[str, tuple[Any, Any]]


def _verdict(registration: Registration, person_pk: int, role: str) -> rules.Verdict | None:
    verdicts = candidates_for(registration, role, people=[person_pk])
    return verdicts[0] if verdicts else None


def capacity_overridden(
    registration: Registration, verdict: rules.Verdict, override: bool, reason: str
) -> str | None:
    """The capacity refusal an EPAO admin overrides (None when the assessor is eligible).

    Refused when any other reason stands, when capacity is not overridden, or when the
    override gives no reason.
    """
    if verdict.eligible:
        return None
    name = verdict.candidate.name
    if not (override and verdict.overridable):
        how = (
            '. To allocate them anyway, tick "Allocate above capacity" and say why'
            if verdict.overridable
            else ""
        )
        raise PlanningRefused(
            f"{name} cannot assess {registration.apprentice.full_name}: "
            + "; ".join(verdict.reasons)
            + how,
            field="assessor",
        )
    if not reason.strip():
        raise PlanningRefused(f"Say why you are allocating {name} above capacity", field="reason")
    return verdict.capacity_reason


@transaction.atomic
def allocate(
    registration: Registration,
    actor: User,
    *,
    assessor_pk: int,
    iqa_pk: int,
    reason: str,
    revision: int,
    override_capacity: bool = False,
) -> Allocated:
    """Allocate an assessor and an IQA to an apprentice whose gateway is accepted.

    Eligibility is checked here again, whatever the page offered; the IQA must be someone
    other than the assessor. A reallocation needs a reason, and so does allocating an
    assessor above capacity (``override_capacity``), which is audited with the numbers.
    Refused with :class:`RecordChanged` if the registration changed since ``revision``.
    """
    if actor.role != Role.EPAO_ADMIN or actor.epao_id != registration.epao_id:
        raise PlanningRefused("Only an EPAO admin can allocate assessors")
    fresh = Registration.objects.select_for_update().get(pk=registration.pk)
    if fresh.revision != revision:
        raise RecordChanged(_changed_message(registration))
    if fresh.status != Registration.Status.GATEWAY_ACCEPTED:
        raise PlanningRefused(
            f"{registration.apprentice.full_name}'s gateway has not been accepted "
            f"(the registration is {Registration.Status(fresh.status).label.lower()}): "
            "an assessor is allocated after the gateway"
        )
    if assessor_pk == iqa_pk:
        raise PlanningRefused(
            "The IQA must be someone other than the assessor: choose another IQA", field="iqa"
        )
    assessor_verdict = _verdict(registration, assessor_pk, Role.ASSESSOR)
    if assessor_verdict is None:
        raise PlanningRefused("Select an assessor from the list", field="assessor")
    overridden = capacity_overridden(registration, assessor_verdict, override_capacity, reason)
    iqa_verdict = _verdict(registration, iqa_pk, Role.IQA)
    if iqa_verdict is None:
        raise PlanningRefused("Select an IQA from the list", field="iqa")
    if not iqa_verdict.eligible:
        raise PlanningRefused(
            f"{iqa_verdict.candidate.name} cannot be the IQA of "
            f"{registration.apprentice.full_name}: " + "; ".join(iqa_verdict.reasons),
            field="iqa",
        )
    if (fresh.assessor_id, fresh.iqa_id) == (assessor_pk, iqa_pk):
        raise PlanningRefused(
            "This assessor and IQA are already allocated: choose someone else to reallocate",
            field="assessor",
        )
    if (fresh.assessor_id or fresh.iqa_id) and not reason.strip():
        raise PlanningRefused("Say why the apprentice is being reallocated", field="reason")
    people = User.objects.in_bulk([assessor_pk, iqa_pk])
    assessor, iqa = people[assessor_pk], people[iqa_pk]
    old_assessor = fresh.assessor_id and User.objects.get(pk=fresh.assessor_id)
    old_iqa = fresh.iqa_id and User.objects.get(pk=fresh.iqa_id)
    updated = Registration.objects.filter(pk=registration.pk, revision=revision).update(
        assessor=assessor,
        iqa=iqa,
        revision=F("revision") + 1,
        updated_at=clock.now(),
    )
    if not updated:  # pragma: no cover (the row is locked)
        raise RecordChanged(_changed_message(registration))
    record = AllocationRecord.objects.create(
        registration=registration, assessor=assessor, iqa=iqa, allocated_by=actor, reason=reason
    )
    changes = {
        "assessor": (old_assessor.full_name if old_assessor else None, assessor.full_name),
        "iqa": (old_iqa.full_name if old_iqa else None, iqa.full_name),
    }
    changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
    if overridden:
        changes["capacity overridden"] = (None, overridden)
    verb = "reallocated" if fresh.assessor_id else "allocated"
    record_event(
        actor=actor,
        epao=registration.epao,
        action="planning.allocated",
        obj=registration,
        registration=registration,
        summary=(
            f"{registration.apprentice.full_name} {verb}: assessor {assessor.full_name}, "
            f"IQA {iqa.full_name}" + (", above the assessor's capacity" if overridden else "")
        ),
        changes=changes,
        reason=reason,
    )
    registration.assessor, registration.iqa = assessor, iqa
    registration.revision = revision + 1
    events.publish(AssessorAllocated(registration, record))
    return Allocated(record=record, changes=changes)


def _changed_message(registration: Registration) -> str:
    latest = (
        AllocationRecord.objects.filter(registration=registration)
        .select_related("assessor", "allocated_by")
        .first()
    )
    if latest is None:
        return (
            f"{registration.apprentice.full_name}'s record changed while you were choosing: "
            "check the page again before you allocate"
        )
    return (
        f"{latest.allocated_by.full_name} allocated {latest.assessor.full_name} to "
        f"{registration.apprentice.full_name} while you were choosing: check the allocation "
        "below before you change it"
    )


def history(registration: Registration) -> list[AllocationRecord]:
    """Every allocation of the registration, latest first."""
    return list(
        registration.allocations.select_related("assessor", "iqa", "allocated_by").order_by(
            "-allocated_at", "-id"
        )
    )
