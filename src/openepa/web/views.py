"""The home page of each role, and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from openepa.accounts.models import User
from openepa.gateway.review import awaiting_review
from openepa.kernel.roles import role_required
from openepa.planning.conflicts import conflicted_allocations
from openepa.registration.access import registrations_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs doing for the signed-in user, counted in the database."""
    user: User = request.user  # type: ignore[assignment]
    registrations = registrations_for(user)
    if user.role == User.Role.APPRENTICE:
        own = registrations.order_by("-created_at").first()
        if own is not None:
            return redirect("registration:detail", pk=own.pk)
    by_status = dict(registrations.order_by().values_list("status").annotate(total=Count("id")))
    to_review = awaiting_review(user).count() if user.role == User.Role.EPAO_ADMIN else 0
    return render(
        request,
        "web/home.html",
        {
            "by_status": by_status,
            "total": sum(by_status.values()),
            "to_review": to_review,
            "to_do": to_do(user),
        },
    )


def to_do(user: User) -> dict[str, int]:
    """What waits for the user after the gateway, each counted in the database."""
    from openepa.assessment.models import AssessmentRecord
    from openepa.results.models import Appeal

    counts: dict[str, int] = {}
    if user.role == User.Role.ASSESSOR:
        counts["drafts"] = AssessmentRecord.objects.filter(
            assessor=user, status=AssessmentRecord.Status.DRAFT
        ).count()
    if user.role == User.Role.IQA:
        counts["held"] = AssessmentRecord.objects.filter(
            registration__iqa=user, iqa_status=AssessmentRecord.Iqa.HELD
        ).count()
    if user.role in (User.Role.ASSESSOR, User.Role.IQA):
        counts["appeals"] = Appeal.objects.filter(reviewer=user, status__in=Appeal.OPEN).count()
    if user.role == User.Role.EPAO_ADMIN:
        counts["appeals"] = Appeal.objects.filter(
            registration__epao_id=user.epao_id, status__in=Appeal.OPEN
        ).count()
        counts["conflicts"] = conflicted_allocations(user).count()
    return counts


#: The EPAO admin's settings pages: (link, URL name, what it is for).
SETTINGS = [
    ("Assessors", "planning:assessors", "Profiles, approvals, availability and relationships."),
    ("Organisations", "people:organisations", "Training providers and employers."),
    ("People", "people:people", "Everyone who signs in, and invitations."),
    (
        "Quality settings",
        "results:policy",
        "IQA sampling, the appeal period and when certificate claims are ready.",
    ),
    ("Interview questions", "submissions:questions", "The project interview question banks."),
    (
        "Standards at the assessment service",
        "claims:standards",
        "Each standard's LARS code, versions and course options, as certificates carry them.",
    ),
    (
        "Results letters in bulk",
        "documents:batches",
        "Every results letter of a period as one ZIP file.",
    ),
]


@role_required(User.Role.EPAO_ADMIN)
def settings_page(request: HttpRequest) -> HttpResponse:
    """The EPAO admin's settings: people, organisations, assessors and policies."""
    return render(request, "web/settings.html", {"settings": SETTINGS})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them OpenEPA's icon."""
    return redirect(static("openepa/favicon.svg"), permanent=True)
