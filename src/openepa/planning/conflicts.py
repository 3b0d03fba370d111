"""Conflicts of interest declared after allocation: independence kept at every step.

An assessor and an IQA are allocated only when independent of the apprentice
(:mod:`openepa.rules.allocation`). A relationship either declares later that makes them not
independent (with the apprentice's employer, training provider or the apprentice) stops them
recording or deciding judgements for that apprentice (:func:`conflict_refusal`, asked by the
assessment and IQA services) and asks the EPAO to reallocate: :func:`announce_conflicts`
publishes :class:`ConflictDeclared` for each apprentice concerned (the EPAO's admins are
emailed) and :func:`conflicted_allocations` lists them until they are reallocated or the
declaration is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.kernel import events
from openepa.planning.eligibility import apprenticeship_of, declared
from openepa.planning.events import ConflictDeclared
from openepa.planning.models import Relationship
from openepa.registration.access import registrations_for
from openepa.registration.models import Registration
from openepa.rules import allocation as rules
from openepa.rules.dates import long_date

ROLES = (("assessor", "assessor"), ("iqa", "IQA"))


def breaks_independence(relationship: Relationship, registration: Registration) -> bool:
    """Whether the declaration makes its person not independent of the registration."""
    return bool(
        rules.independence_problems(apprenticeship_of(registration), [declared(relationship)])
    )


def conflicts_of(registration: Registration, person: User) -> list[Relationship]:
    """The person's declarations in force that make them not independent of the registration."""
    relationships = Relationship.objects.filter(
        profile__user_id=person.pk, removed_at__isnull=True
    ).select_related("organisation")
    return [r for r in relationships if breaks_independence(r, registration)]


def conflict_refusal(registration: Registration, person: User) -> str | None:
    """Why ``person`` may no longer judge for the registration, naming what they declared."""
    conflicts = conflicts_of(registration, person)
    if not conflicts:
        return None
    first = conflicts[0]
    name = registration.apprentice.full_name
    return (
        f"You declared on {long_date(first.declared_on)} that you {first.description}: you "
        f"are no longer independent of {name}, so you cannot save, submit or decide judgements "
        f"for them. What you recorded before is kept; the EPAO must reallocate {name} to "
        "someone independent."
    )


# --- telling the EPAO ---------------------------------------------------------------------


def announce_conflicts(relationship: Relationship, actor: User) -> list[Registration]:
    """Publish :class:`ConflictDeclared` for each live apprentice the declaration concerns.

    Those are the apprentices whose assessor or IQA is the declaring person and of whom the
    declaration makes them not independent; each is noted in the apprentice's history.
    Returns the registrations concerned.
    """
    person = relationship.profile.user
    concerned: list[Registration] = []
    live = Registration.objects.filter(
        Q(assessor_id=person.pk) | Q(iqa_id=person.pk), status__in=Registration.LIVE
    ).select_related("apprentice", "specification", "epao")
    for registration in live:
        if not breaks_independence(relationship, registration):
            continue
        for field, role in ROLES:
            if getattr(registration, f"{field}_id") != person.pk:
                continue
            record_event(
                actor=actor,
                epao=registration.epao,
                action="planning.conflict_declared",
                obj=registration,
                registration=registration,
                summary=(
                    f"Conflict declared after allocation: {person.full_name} ({role}) declared "
                    f"that they {relationship.description}; reallocate "
                    f"{registration.apprentice.full_name}"
                ),
                reason=relationship.note,
            )
            events.publish(ConflictDeclared(registration, relationship, person, field))
        concerned.append(registration)
    return concerned


def _conflicting(person_field: str) -> Exists:
    """A declaration in force of the registration's ``person_field`` against its parties.

    The query form of :func:`openepa.rules.allocation.independence_problems`, so that a list
    of every conflicted apprentice is filtered in the database.
    """
    kinds = {
        party: [kind for kind, of in Relationship.PARTY.items() if of == party]
        for party in rules.Party
    }
    return Exists(
        Relationship.objects.filter(
            profile__user_id=OuterRef(person_field), removed_at__isnull=True
        ).filter(
            Q(kind__in=kinds[rules.Party.EMPLOYER], organisation_id=OuterRef("employer_id"))
            | Q(kind__in=kinds[rules.Party.PROVIDER], organisation_id=OuterRef("provider_id"))
            | Q(kind__in=kinds[rules.Party.APPRENTICE], uln=OuterRef("apprentice__uln"))
        )
    )


def conflicted_allocations(user: User) -> QuerySet[Registration]:
    """The live apprentices in the user's scope whose assessor or IQA declared a conflict."""
    return (
        registrations_for(user)
        .filter(status__in=Registration.LIVE)
        .filter(_conflicting("assessor_id") | _conflicting("iqa_id"))
        .select_related("apprentice", "specification", "assessor", "iqa")
        .order_by("epa_window_end", "pk")
    )


@dataclass(frozen=True)
class ConflictRow:
    """One conflicted apprentice on the allocations page: who declared what, as what."""

    registration: Registration
    person: User
    role: str
    relationship: Relationship

    @property
    def summary(self) -> str:
        """Who declared what, as what, and when, in words."""
        return (
            f"{self.person.full_name} ({self.role}) declared that they "
            f"{self.relationship.description} on {long_date(self.relationship.declared_on)}"
        )


def conflict_rows(registrations: list[Registration]) -> list[ConflictRow]:
    """What each conflicted apprentice's assessor or IQA declared, for the page."""
    rows: list[ConflictRow] = []
    for registration in registrations:
        for field, role in ROLES:
            person = getattr(registration, field)
            if person is None:
                continue
            rows.extend(
                ConflictRow(registration, person, role, relationship)
                for relationship in conflicts_of(registration, person)
            )
    return rows
