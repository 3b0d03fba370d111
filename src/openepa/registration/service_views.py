"""Pages of the assessment service on the registration: learner checks and the permission.

- "Learners to check at the assessment service" (EPAO admins): every current check that is
  flagged or could not be answered, newest first, 25 a page, by outcome;
- "Check again" (EPAO admins, a button on the apprentice's page);
- "Permission to apply for your certificate": the apprentice gives it on their page, an EPAO
  admin records it with evidence, either withdraws it with a reason.

A registration outside the person's scope is not found (404); a role that may not use a page
is refused (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from openepa.accounts.models import User
from openepa.kernel.roles import role_required
from openepa.kernel.service_client import configured
from openepa.registration.access import get_registration
from openepa.registration.consent import (
    ConsentRefused,
    application_made_on,
    applied_words,
    consent_in_force,
    give_consent,
    record_consent_with_evidence,
    registered_on,
    statement_for,
    withdraw_consent,
)
from openepa.registration.learner_checks import request_check
from openepa.registration.lifecycle import withdrawn_message
from openepa.registration.models import LearnerCheck, Registration
from openepa.registration.service_forms import (
    CheckFilterForm,
    ConsentEvidenceForm,
    ConsentWithdrawForm,
)
from openepa.registration.service_presenters import OUTCOME_TAGS, SHORT_ADVICE
from openepa.rules.dates import long_date

ADMIN = User.Role.EPAO_ADMIN
APPRENTICE = User.Role.APPRENTICE
PAGE_SIZE = 25
NOT_CONFIGURED = (
    "Checking apprentices at the apprenticeship assessment service is not configured: "
    "ASSESSMENT_SERVICE_URL is not set"
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _back(request: HttpRequest, registration: Registration, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("registration:detail", pk=registration.pk)


# --- learner checks -------------------------------------------------------------------------


@role_required(ADMIN)
def learner_check_list(request: HttpRequest) -> HttpResponse:
    """Learners to check at the assessment service: flagged or unanswered, newest first."""
    user = _user(request)
    filters = CheckFilterForm(request.GET or None)
    checks = filters.apply(
        LearnerCheck.objects.filter(epao_id=user.epao_id, current=True)
        .exclude(registration__status=Registration.Status.WITHDRAWN)
        .select_related(
            "registration__apprentice", "registration__provider", "registration__specification"
        )
    )
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(check, OUTCOME_TAGS[check.outcome], SHORT_ADVICE[check.outcome]) for check in page]
    return render(
        request,
        "apprentices/learner_checks.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": rows,
            "configured": configured(),
        },
    )


@role_required(ADMIN)
@require_POST
def check_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the service about the apprentice again, now (an EPAO admin's button)."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    if not configured():
        return _back(request, registration, NOT_CONFIGURED)
    request_check(registration, LearnerCheck.Reason.REQUESTED, user)
    messages.success(
        request,
        f"OpenEPA is asking the assessment service about {registration.apprentice.full_name}: "
        "the answer shows on this page in a moment",
    )
    return redirect("registration:detail", pk=registration.pk)


# --- permission to apply for the certificate ----------------------------------------------


@role_required(APPRENTICE)
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The apprentice's own page to give permission for their certificate to be applied for."""
    user = _user(request)
    registration = get_registration(user, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            consent = give_consent(registration, user)
        except ConsentRefused as refused:
            errors.append(refused.message)
        else:
            messages.success(
                request,
                "Thank you: you gave permission to apply for your certificate on "
                f"{long_date(consent.given_on)}",
            )
            return redirect("registration:detail", pk=registration.pk)
    return render(
        request,
        "apprentices/consent/give.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "statement": statement_for(registration),
            "in_force": consent_in_force(registration),
            "errors": errors,
        },
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    """An EPAO admin records permission given outside OpenEPA, with the evidence held."""
    user = _user(request)
    registration = get_registration(user, pk)
    if registration.is_read_only:
        return _back(request, registration, withdrawn_message(registration))
    held = consent_in_force(registration)
    if held is not None:
        return _back(
            request,
            registration,
            f"Permission was already given on {long_date(held.given_on)} and stands: withdraw "
            "it first to record another",
        )
    form = ConsentEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_consent_with_evidence(
                registration, user, form.cleaned_data["given_on"], form.cleaned_data["evidence"]
            )
        except ConsentRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(
                request,
                f"Permission to apply for {registration.apprentice.full_name}'s certificate is "
                "recorded",
            )
            return redirect("registration:detail", pk=registration.pk)
    return render(
        request,
        "apprentices/consent/record.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "form": form,
            "statement": statement_for(registration),
            "registered_on": registered_on(registration),
        },
    )


@role_required(APPRENTICE, ADMIN)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the permission that stands, with a reason (the apprentice or an EPAO admin)."""
    user = _user(request)
    registration = get_registration(user, pk)
    consent = consent_in_force(registration)
    if consent is None:
        return _back(request, registration, "No permission to apply for the certificate stands")
    is_apprentice = user.role == APPRENTICE
    form = ConsentWithdrawForm(request.POST or None, is_apprentice=is_apprentice)
    applied_on = application_made_on(registration)
    applied = (
        applied_words(applied_on, registration.epao.name, is_apprentice=is_apprentice)
        if applied_on
        else ""
    )
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_consent(consent, user, form.cleaned_data["reason"])
        except ConsentRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            done = (
                "You withdrew your permission to apply for your certificate"
                if is_apprentice
                else "The permission to apply for the certificate is withdrawn"
            )
            messages.success(request, done)
            if applied:  # the truth about the application already made, in its own banner
                messages.warning(request, applied)
            return redirect("registration:detail", pk=registration.pk)
    return render(
        request,
        "apprentices/consent/withdraw.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "form": form,
            "consent": consent,
            "is_apprentice": is_apprentice,
            "applied": applied,
        },
    )
