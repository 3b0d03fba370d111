"""Pages of planning: assessor profiles, declared relationships and allocation.

The EPAO admin sees and edits every assessor's and IQA's profile and allocates assessors; an
assessor or IQA sees their own profile and declares relationships themself. A profile outside
the user's scope (another person's, another EPAO's) is "not found". Each view fetches,
authorises, calls one service function and renders.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.kernel.roles import role_required
from openepa.planning import eligibility, services
from openepa.planning.conflicts import conflict_rows, conflicted_allocations
from openepa.planning.forms import (
    AllocationForm,
    ProfileForm,
    RelationshipForm,
    RemoveRelationshipForm,
    UnavailableForm,
)
from openepa.planning.models import Relationship, UnavailablePeriod
from openepa.planning.services import PlanningRefused, RecordChanged
from openepa.registration.access import get_registration, registrations_for
from openepa.registration.models import Registration

Role = User.Role
ADMIN = Role.EPAO_ADMIN
PAGE_SIZE = 25
CONFLICTS_SHOWN = 10


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(request: HttpRequest, user_pk: int) -> User:
    """The assessor or IQA whose profile is asked for, if the user may see it, or 404."""
    user = _user(request)
    if user.role != ADMIN and user.pk != user_pk:
        raise Http404("No such profile")
    person = (
        services.staff(user.epao_id).select_related("assessor_profile").filter(pk=user_pk).first()
    )
    if person is None:
        raise Http404("No such profile")
    return person


def _refuse(form: Any, refusal: PlanningRefused) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


@role_required(ADMIN)
def assessors(request: HttpRequest) -> HttpResponse:
    """The EPAO's assessors and IQAs with their profiles, paginated."""
    user = _user(request)
    people = (
        services.staff(user.epao_id)
        .select_related("assessor_profile")
        .annotate(
            relationships=Count(
                "assessor_profile__relationships",
                filter=Q(assessor_profile__relationships__removed_at__isnull=True),
            ),
            allocated=Count(
                "assessed_registrations",
                filter=Q(assessed_registrations__status__in=eligibility.IN_PROGRESS),
            ),
        )
        .order_by("role", "full_name", "pk")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "planning/assessors.html", {"page_obj": page})


@role_required(Role.ASSESSOR, Role.IQA)
def my_profile(request: HttpRequest) -> HttpResponse:
    """An assessor's or IQA's own profile."""
    return redirect("planning:profile", user_pk=_user(request).pk)


@role_required(ADMIN, Role.ASSESSOR, Role.IQA)
def profile(request: HttpRequest, user_pk: int) -> HttpResponse:
    """One assessor's profile: approvals, capacity, dates and declared relationships."""
    person = _person(request, user_pk)
    record = services.shown_profile(person)
    relationships = (
        list(record.relationships.select_related("organisation", "declared_by", "removed_by"))
        if record.pk
        else []
    )
    approved = set(record.approved_specs)
    specifications = [s for s in services.current_specifications() if s.spec_id in approved]
    return render(
        request,
        "planning/profile.html",
        {
            "person": person,
            "profile": record,
            "specifications": specifications,
            "unknown_specs": sorted(approved - {s.spec_id for s in specifications}),
            "periods": list(record.unavailable_periods.all()) if record.pk else [],
            "current": [r for r in relationships if r.removed_at is None],
            "removed": [r for r in relationships if r.removed_at is not None],
            "is_admin": _user(request).role == ADMIN,
            "is_self": _user(request).pk == person.pk,
        },
    )


@role_required(ADMIN)
def profile_edit(request: HttpRequest, user_pk: int) -> HttpResponse:
    """The EPAO admin changes a profile's approvals, capacity and working pattern."""
    person = _person(request, user_pk)
    record = services.shown_profile(person)
    choices = [(s.spec_id, s.label) for s in services.current_specifications()]
    if request.method == "POST":
        form = ProfileForm(request.POST, specifications=choices)
        if form.is_valid():
            record = services.profile_of(person)
            data = dict(form.cleaned_data)
            revision = data.pop("revision")
            try:
                changes = services.update_profile(record, _user(request), revision=revision, **data)
            except RecordChanged as refusal:
                _refuse(form, refusal)
                record.refresh_from_db()
                fresh = form.data.copy()  # type: ignore[attr-defined]
                fresh["revision"] = str(record.revision)
                form.data = fresh
            else:
                if changes:
                    messages.success(request, f"The profile of {person.full_name} was saved")
                else:
                    messages.info(request, "Nothing was changed")
                return redirect("planning:profile", user_pk=person.pk)
    else:
        form = ProfileForm(
            specifications=choices,
            initial={
                "revision": record.revision,
                "approved_specs": record.approved_specs,
                "weekly_capacity": record.weekly_capacity,
                "working_days": [str(day) for day in record.working_days],
                "region": record.region,
                "assesses_remotely": "yes" if record.assesses_remotely else "no",
            },
        )
    return render(request, "planning/profile_edit.html", {"person": person, "form": form})


@role_required(ADMIN)
def unavailable_add(request: HttpRequest, user_pk: int) -> HttpResponse:
    """The EPAO admin records dates on which the person cannot assess."""
    person = _person(request, user_pk)
    if request.method == "POST":
        form = UnavailableForm(request.POST)
        if form.is_valid():
            try:
                services.add_unavailable(
                    services.profile_of(person), _user(request), **form.cleaned_data
                )
            except PlanningRefused as refusal:
                _refuse(form, refusal)
            else:
                messages.success(request, f"The dates {person.full_name} is unavailable were added")
                return redirect("planning:profile", user_pk=person.pk)
    else:
        form = UnavailableForm()
    return render(request, "planning/unavailable_add.html", {"person": person, "form": form})


@require_POST
@role_required(ADMIN)
def unavailable_remove(request: HttpRequest, user_pk: int, period_pk: int) -> HttpResponse:
    """The EPAO admin removes unavailable dates (the person is available again)."""
    person = _person(request, user_pk)
    period = UnavailablePeriod.objects.filter(
        pk=period_pk, profile__user_id=person.pk
    ).select_related("profile__user")
    found = period.first()
    if found is None:
        raise Http404("No such dates")
    services.remove_unavailable(found, _user(request))
    messages.success(request, "The unavailable dates were removed")
    return redirect("planning:profile", user_pk=person.pk)


@role_required(ADMIN, Role.ASSESSOR, Role.IQA)
def relationship_add(request: HttpRequest, user_pk: int) -> HttpResponse:
    """Declare a relationship: the person themself, or an EPAO admin for them."""
    person = _person(request, user_pk)
    if request.method == "POST":
        form = RelationshipForm(request.POST, epao_id=person.epao_id)
        if form.is_valid():
            try:
                services.declare_relationship(
                    services.profile_of(person), _user(request), **form.cleaned_data
                )
            except PlanningRefused as refusal:
                _refuse(form, refusal)
            else:
                messages.success(request, "The relationship was declared")
                return redirect("planning:profile", user_pk=person.pk)
    else:
        form = RelationshipForm(epao_id=person.epao_id)
    return render(
        request,
        "planning/relationship_add.html",
        {"person": person, "form": form, "is_self": _user(request).pk == person.pk},
    )


@role_required(ADMIN)
def relationship_remove(request: HttpRequest, user_pk: int, relationship_pk: int) -> HttpResponse:
    """The EPAO admin withdraws a declaration that no longer applies, saying why."""
    person = _person(request, user_pk)
    relationship = (
        Relationship.objects.filter(
            pk=relationship_pk, profile__user_id=person.pk, removed_at__isnull=True
        )
        .select_related("organisation", "profile__user")
        .first()
    )
    if relationship is None:
        raise Http404("No such relationship")
    if request.method == "POST":
        form = RemoveRelationshipForm(request.POST)
        if form.is_valid():
            try:
                services.remove_relationship(
                    relationship, _user(request), reason=form.cleaned_data["reason"]
                )
            except PlanningRefused as refusal:
                _refuse(form, refusal)
            else:
                messages.success(request, "The relationship was removed")
                return redirect("planning:profile", user_pk=person.pk)
    else:
        form = RemoveRelationshipForm()
    return render(
        request,
        "planning/relationship_remove.html",
        {"person": person, "relationship": relationship, "form": form},
    )


@role_required(ADMIN)
def allocations(request: HttpRequest) -> HttpResponse:
    """Apprentices whose gateway is accepted, those without an assessor first, paginated.

    Above them, the apprentices whose assessor or IQA declared a conflict after allocation,
    to reallocate.
    """
    show = request.GET.get("show", "unallocated")
    if show not in ("unallocated", "all"):
        show = "unallocated"
    registrations = (
        registrations_for(_user(request))
        .filter(status=Registration.Status.GATEWAY_ACCEPTED)
        .select_related("apprentice", "provider", "employer", "specification", "assessor", "iqa")
        .order_by("epa_window_end", "gateway_date", "pk")
    )
    if show == "unallocated":
        registrations = registrations.filter(assessor__isnull=True)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    conflicted = conflicted_allocations(_user(request))
    return render(
        request,
        "planning/allocations.html",
        {
            "page_obj": page,
            "show": show,
            "conflicts": conflict_rows(list(conflicted[:CONFLICTS_SHOWN])),
            "conflicted": conflicted.count(),
        },
    )


def _weeks_words(registration: Registration) -> str:
    """The weeks an assessor's capacity counts, in words, for the page's hints."""
    if registration.epa_window_end is not None:
        return "in the weeks of the window"
    weeks = settings.CAPACITY_WEEKS_WITHOUT_WINDOW
    return f"in the next {weeks} week{'s' if weeks != 1 else ''}"


@role_required(ADMIN)
def allocate(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The EPAO admin allocates an assessor and an IQA to an apprentice past the gateway."""
    registration = get_registration(_user(request), registration_pk)
    ready = registration.status == Registration.Status.GATEWAY_ACCEPTED
    assessor_verdicts = eligibility.candidates_for(registration, Role.ASSESSOR) if ready else []
    iqa_verdicts = eligibility.candidates_for(registration, Role.IQA) if ready else []
    every_assessor = [(v.candidate.person, v.candidate.name) for v in assessor_verdicts]
    every_iqa = [(v.candidate.person, v.candidate.name) for v in iqa_verdicts]
    form = AllocationForm(
        request.POST if request.method == "POST" else None,
        assessors=every_assessor,
        iqas=every_iqa,
        initial={
            "revision": registration.revision,
            "assessor": registration.assessor_id,
            "iqa": registration.iqa_id,
        },
    )
    if request.method == "POST" and ready and form.is_valid():
        data = form.cleaned_data
        try:
            services.allocate(
                registration,
                _user(request),
                assessor_pk=data["assessor"],
                iqa_pk=data["iqa"],
                reason=data["reason"],
                revision=data["revision"],
                override_capacity=data["override_capacity"],
            )
        except PlanningRefused as refusal:
            _refuse(form, refusal)
            if isinstance(refusal, RecordChanged):
                registration = get_registration(_user(request), registration_pk)
                fresh = form.data.copy()  # type: ignore[attr-defined]
                fresh["revision"] = str(registration.revision)
                form.data = fresh
        else:
            messages.success(
                request,
                f"{registration.apprentice.full_name} was allocated to "
                f"{registration.assessor.full_name if registration.assessor else ''}, "
                f"with {registration.iqa.full_name if registration.iqa else ''} as IQA",
            )
            return redirect("planning:allocate", registration_pk=registration.pk)
    return render(
        request,
        "planning/allocate.html",
        {
            "registration": registration,
            "ready": ready,
            "form": form,
            "eligible": [v for v in assessor_verdicts if v.eligible],
            "over_capacity": [v for v in assessor_verdicts if v.overridable],
            "not_offered": [v for v in assessor_verdicts if not v.eligible and not v.overridable],
            "weeks": _weeks_words(registration),
            "eligible_iqas": [v for v in iqa_verdicts if v.eligible],
            "not_offered_iqas": [v for v in iqa_verdicts if not v.eligible],
            "history": services.history(registration),
            "chosen_assessor": str(form["assessor"].value() or ""),
            "chosen_iqa": str(form["iqa"].value() or ""),
        },
    )
