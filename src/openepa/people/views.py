"""Pages for organisations, people, invitations and passwords.

Views fetch within the user's EPAO, authorise by role, call a service and render. Lists are
filtered, sorted and paginated in the database with a fixed number of queries.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from axes.utils import reset as reset_sign_in_attempts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from openepa.accounts.models import Invitation, Organisation, User
from openepa.kernel import clock
from openepa.kernel.roles import role_required
from openepa.people import apprentices, services
from openepa.people.forms import (
    AcceptInvitationForm,
    InvitationForm,
    NewPasswordForm,
    OrganisationForm,
    OrganisationSearchForm,
    PeopleFilterForm,
    ResetPasswordForm,
)
from openepa.registration.access import get_registration
from openepa.rules.identifiers import whole_number

log = logging.getLogger(__name__)
PAGE_SIZE = 25
EPAO_ADMIN = User.Role.EPAO_ADMIN
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    """One page of ``queryset`` (25 a page); a bad page number shows the nearest page."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@role_required(EPAO_ADMIN)
def organisations(request: HttpRequest) -> HttpResponse:
    """The training providers and employers of the admin's EPAO, searched by name or UKPRN."""
    user: User = request.user  # type: ignore[assignment]
    search = OrganisationSearchForm(request.GET or None)
    queryset = Organisation.objects.filter(epao_id=user.epao_id)
    if search.is_valid():
        if kind := search.cleaned_data["kind"]:
            queryset = queryset.filter(kind=kind)
        if text := search.cleaned_data["q"].strip():
            queryset = queryset.filter(Q(name__icontains=text) | Q(ukprn=text))
    queryset = queryset.annotate(people=Count("users")).order_by("name", "pk")
    return render(
        request,
        "accounts/organisations.html",
        {"search": search, "page_obj": paginate(request, queryset)},
    )


@role_required(EPAO_ADMIN)
@require_http_methods(["GET", "POST"])
def add_organisation(request: HttpRequest) -> HttpResponse:
    """Add a training provider or an employer to the EPAO."""
    user: User = request.user  # type: ignore[assignment]
    initial = {"kind": request.GET.get("kind", "")}
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, epao=user.epao, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(
                actor=user,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                ukprn=form.cleaned_data["ukprn"],
            )
        except ValueError as problem:
            form.add_error("ukprn", str(problem))
        else:
            messages.success(
                request,
                f"{organisation.name} was added. You can now invite the people who work there.",
            )
            return redirect("people:organisations")
    return render(request, "accounts/organisation_form.html", {"form": form})


@role_required(EPAO_ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    """The people of the EPAO with their role and organisation, filtered by role."""
    user: User = request.user  # type: ignore[assignment]
    search = PeopleFilterForm(request.GET or None)
    queryset = User.objects.filter(epao_id=user.epao_id).select_related("organisation")
    organisation = None
    if organisation_id := request.GET.get("organisation", "").strip():
        organisation = Organisation.objects.filter(
            Q(pk=user.epao_id) | Q(epao_id=user.epao_id),
            pk=whole_number(organisation_id, low=1) or 0,
        ).first()
        if organisation is None:
            raise Http404("No such organisation")
        queryset = queryset.filter(organisation=organisation)
    if search.is_valid():
        if role := search.cleaned_data["role"]:
            queryset = queryset.filter(role=role)
        if text := search.cleaned_data["q"].strip():
            queryset = queryset.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
    queryset = queryset.order_by("full_name", "pk")
    return render(
        request,
        "accounts/people.html",
        {"search": search, "organisation": organisation, "page_obj": paginate(request, queryset)},
    )


@role_required(EPAO_ADMIN)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Invite a person to the EPAO by email, with a role and their organisation."""
    user: User = request.user  # type: ignore[assignment]
    initial: dict[str, Any] = {}
    if organisation_id := request.GET.get("organisation", ""):
        organisation = Organisation.objects.filter(
            epao_id=user.epao_id, pk=whole_number(organisation_id, low=1) or 0
        ).first()
        if organisation is not None:
            initial = {"organisation": organisation.pk, "role": organisation.kind}
    form = InvitationForm(
        request.POST if request.method == "POST" else None, epao=user.epao, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = services.invite(
                actor=user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                organisation=data.get("organisation"),
            )
        except ValueError as problem:
            form.add_error(None, str(problem))
        else:
            _send(request, invitation, token)
            return redirect("people:invitations")
    return render(request, "accounts/invite.html", {"form": form})


def _send(
    request: HttpRequest,
    invitation: Invitation,
    token: str,
    *,
    again: str = "Try again with “Send a new link” below",
) -> None:
    """Email an invitation and tell the person who sent it whether it went."""
    try:
        services.send_invitation(invitation, token)
    except MAIL_ERRORS:
        log.exception("Could not send the invitation email to %s", invitation.email)
        messages.error(
            request,
            f"The invitation for {invitation.email} is saved but the email could not be sent. "
            f"{again}, or ask your system administrator to check the email settings.",
        )
    else:
        messages.success(
            request,
            f"An invitation was emailed to {invitation.email}. The link works for "
            f"{services.INVITATION_DAYS} days.",
        )


@role_required(EPAO_ADMIN)
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations sent by the EPAO, newest first, with whether each was accepted."""
    user: User = request.user  # type: ignore[assignment]
    queryset = (
        Invitation.objects.filter(epao_id=user.epao_id)
        .select_related("organisation", "invited_by")
        .order_by("-created_at", "-pk")
    )
    page = paginate(request, queryset)
    now = clock.now()
    rows = [(invitation, services.invitation_status(invitation, now)) for invitation in page]
    return render(request, "accounts/invitations.html", {"page_obj": page, "rows": rows})


@role_required(EPAO_ADMIN)
@require_POST
def renew_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a new link for an invitation that was not accepted."""
    user: User = request.user  # type: ignore[assignment]
    invitation = Invitation.objects.filter(epao_id=user.epao_id, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation")
    try:
        token = services.renew_invitation(actor=user, invitation=invitation)
    except ValueError as problem:
        messages.error(request, str(problem))
    else:
        _send(request, invitation, token)
    return redirect("people:invitations")


@role_required(EPAO_ADMIN, User.Role.PROVIDER)
@require_POST
def invite_apprentice(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite (or invite again) the apprentice of one registration, from their page."""
    user: User = request.user  # type: ignore[assignment]
    registration = get_registration(user, pk)
    try:
        invitation, token = apprentices.invite_apprentice(user, registration.apprentice)
    except ValueError as problem:
        messages.error(request, str(problem))
    else:
        _send(request, invitation, token, again="Try again with “Invite again” below")
    return redirect("registration:detail", pk=registration.pk)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person sets their name and password; their account is created."""
    if request.user.is_authenticated:
        messages.error(
            request, "You are already signed in. Sign out to accept an invitation for someone else."
        )
        return redirect("home")
    try:
        invitation = services.find_invitation(token)
    except services.InvitationProblem as problem:
        return _invitation_problem(request, problem)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None,
        invitation=invitation,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.accept_invitation(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationProblem as problem:
            return _invitation_problem(request, problem)
        login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready. You are signed in.")
        return redirect("home")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


def _invitation_problem(request: HttpRequest, problem: services.InvitationProblem) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_problem.html",
        {"problem": str(problem)},
        status=problem.status,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; the email links to ``SITE_URL`` and says nothing if unknown."""

    form_class = ResetPasswordForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_success_url(self) -> str:
        """The page saying the email was sent."""
        return reverse("people:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        """Send the email with links built from the configured site address."""
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link; a lockout of that address is lifted."""

    form_class = NewPasswordForm

    def get_success_url(self) -> str:
        """The page saying the password was changed."""
        return reverse("people:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        """Save the password and clear failed sign-in attempts for the address."""
        response = super().form_valid(form)
        reset_sign_in_attempts(username=form.user.email)
        return response
