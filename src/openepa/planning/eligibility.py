"""Who may assess an apprentice: each assessor's and IQA's verdict, with their workload.

The facts of a registration (:func:`apprenticeship_of`) and of each person (their profile,
declared relationships and the assessments booked or planned for them in the weeks
concerned) are read in a fixed number of queries for any EPAO, then judged by the pure
:mod:`openepa.rules.allocation`. Allocating is :func:`openepa.planning.services.allocate`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.planning.models import AssessorProfile, Booking, PlannedMethod, Relationship
from openepa.registration.models import Registration
from openepa.rules import allocation as rules

Role = User.Role
#: Registrations whose apprentices are still being assessed.
IN_PROGRESS = (Registration.Status.GATEWAY_ACCEPTED, Registration.Status.ON_HOLD)


def apprenticeship_of(registration: Registration) -> rules.Apprenticeship:
    """The facts of a registration that decide who may assess it.

    Without an EPA window end, capacity counts the next ``CAPACITY_WEEKS_WITHOUT_WINDOW``
    weeks from today (or from the gateway, if that is later).
    """
    today = clock.today()
    start = registration.gateway_date or today
    if registration.epa_window_end is None:
        start = max(start, today)
    return rules.Apprenticeship(
        spec_id=registration.specification.spec_id,
        employer=registration.employer_id,
        provider=registration.provider_id,
        apprentice=registration.apprentice.uln,
        window_start=start,
        window_end=registration.epa_window_end,
        weeks_ahead=settings.CAPACITY_WEEKS_WITHOUT_WINDOW,
    )


def _counted(rows: QuerySet[Any], key: str) -> Coalesce:
    """The number of ``rows`` as a subquery (0 when none), grouped on the outer row's ``key``."""
    counted = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0, output_field=IntegerField())


def workload_in(registration: Registration, weeks: tuple[date, date]) -> CombinedExpression:
    """Per person, the assessments booked or planned for them in ``weeks``.

    Their live bookings, and their apprentices' planned methods not booked yet, other than
    this registration's (which move with the allocation). Two subqueries of the people
    query: a fixed number of queries for any EPAO.
    """
    booked = Booking.objects.filter(
        assessor_id=OuterRef("pk"), status=Booking.Status.BOOKED, on__range=weeks
    ).exclude(registration_id=registration.pk)
    planned = (
        PlannedMethod.objects.filter(
            plan__registration__assessor_id=OuterRef("pk"),
            plan__registration__status__in=IN_PROGRESS,
            planned_date__range=weeks,
        )
        .exclude(plan__registration_id=registration.pk)
        .exclude(
            Exists(
                Booking.objects.filter(
                    registration_id=OuterRef("plan__registration_id"),
                    method_id=OuterRef("method_id"),
                    status=Booking.Status.BOOKED,
                )
            )
        )
    )
    return _counted(booked, "assessor_id") + _counted(planned, "plan__registration__assessor_id")


def declared(relationship: Relationship) -> rules.Declared:
    """A stored declaration as the allocation rules read it."""
    return rules.Declared(
        party=relationship.party,
        target=relationship.uln
        if relationship.party == rules.Party.APPRENTICE
        else relationship.organisation_id or 0,
        description=relationship.description,
    )


def _declared(profile: AssessorProfile | None) -> tuple[rules.Declared, ...]:
    if profile is None:
        return ()
    return tuple(
        declared(relationship)
        for relationship in profile.active_relationships  # type: ignore[attr-defined]
    )


def candidates_for(
    registration: Registration, role: str = Role.ASSESSOR, people: list[int] | None = None
) -> list[rules.Verdict]:
    """Every assessor (or IQA) of the EPAO with their verdict for ``registration``, best first.

    A fixed number of queries however many people and apprentices the EPAO has.
    """
    apprenticeship = apprenticeship_of(registration)
    live = Q(**{f"{_related(role)}__status__in": IN_PROGRESS}) & ~Q(
        **{f"{_related(role)}__pk": registration.pk}
    )
    at_parties = live & (
        Q(**{f"{_related(role)}__employer_id": registration.employer_id})
        | Q(**{f"{_related(role)}__provider_id": registration.provider_id})
    )
    people_qs = (
        User.objects.filter(epao_id=registration.epao_id, role=role, is_active=True)
        .select_related("assessor_profile")
        .prefetch_related(
            "assessor_profile__unavailable_periods",
            Prefetch(
                "assessor_profile__relationships",
                queryset=Relationship.objects.filter(removed_at__isnull=True).select_related(
                    "organisation"
                ),
                to_attr="active_relationships",
            ),
        )
        .annotate(
            workload=workload_in(registration, rules.weeks_concerned(apprenticeship)),
            at_parties=Count(_related(role), filter=at_parties, distinct=True),
        )
        .order_by("full_name")
    )
    if people is not None:
        people_qs = people_qs.filter(pk__in=people)
    facts = []
    for person in people_qs:
        stored = getattr(person, "assessor_profile", None)
        profile = stored or AssessorProfile(user=person)  # the defaults: approved for nothing
        facts.append(
            rules.Candidate(
                person=person.pk,
                name=person.full_name,
                approved_specs=frozenset(profile.approved_specs),
                weekly_capacity=profile.weekly_capacity,
                working_days=frozenset(profile.working_days),
                unavailable=tuple(
                    (p.first_day, p.last_day) for p in profile.unavailable_periods.all()
                )
                if stored
                else (),
                relationships=_declared(stored),
                workload=person.workload,
                assessed_at_parties=person.at_parties,
            )
        )
    verdicts = rules.rank(apprenticeship, facts)
    if role == Role.IQA:
        # An IQA samples rather than assesses: only approval and independence decide.
        verdicts = [_iqa_verdict(verdict) for verdict in verdicts]
        verdicts.sort(
            key=lambda v: (not v.eligible, v.rank if v.eligible else (), v.candidate.name)
        )
    return verdicts


def _iqa_verdict(verdict: rules.Verdict) -> rules.Verdict:
    reasons = tuple(r for r in verdict.reasons if r.startswith(("Not approved", "Not independent")))
    return rules.Verdict(
        candidate=verdict.candidate,
        reasons=reasons,
        available_days=verdict.available_days,
        capacity=verdict.capacity,
        rank=verdict.rank,
    )


def _related(role: str) -> str:
    return "assessed_registrations" if role == Role.ASSESSOR else "quality_assured_registrations"
