"""Pages of registration: the apprentice list and page, register one, upload a CSV file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.kernel.roles import role_required
from openepa.kernel.uploads import UploadRefused
from openepa.registration import csv_import
from openepa.registration.access import get_registration, registrations_for
from openepa.registration.forms import (
    ListFilterForm,
    RegistrationForm,
    UploadForm,
    current_specifications,
)
from openepa.registration.lifecycle_views import actions_for
from openepa.registration.models import Registration
from openepa.registration.service_presenters import service_context
from openepa.registration.services import (
    RegistrationDetails,
    RegistrationRefused,
    register_apprentice,
    timing_of,
)

PAGE_SIZE = 25
ADDRESS_ROLES = (User.Role.EPAO_ADMIN, User.Role.PROVIDER, User.Role.EMPLOYER, User.Role.APPRENTICE)
ERRORS_IN_SUMMARY = 50
STATUS_TAGS = {
    Registration.Status.REGISTERED: "govuk-tag--blue",
    Registration.Status.GATEWAY: "govuk-tag--light-blue",
    Registration.Status.GATEWAY_ACCEPTED: "govuk-tag--green",
    Registration.Status.ON_HOLD: "govuk-tag--yellow",
    Registration.Status.WITHDRAWN: "govuk-tag--grey",
    Registration.Status.COMPLETED: "govuk-tag--turquoise",
}


@login_required
def apprentice_list(request: HttpRequest) -> HttpResponse:
    """The apprentices in the user's scope, filtered, sorted and paginated in the database."""
    user: User = request.user  # type: ignore[assignment]
    filters = ListFilterForm(request.GET or None, user=user)
    registrations = filters.apply(
        registrations_for(user).select_related(
            "apprentice", "provider", "employer", "specification"
        )
    )
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "apprentices/list.html",
        {
            "filters": filters,
            "page_obj": page,
            "registrations": page.object_list,
            "status_tags": STATUS_TAGS,
        },
    )


@login_required
def apprentice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything registered about one apprentice in the user's scope (404 outside it)."""
    user: User = request.user  # type: ignore[assignment]
    registration = get_registration(user, pk)
    lead_time, earliest_gateway = timing_of(registration)
    return render(
        request,
        "apprentices/detail.html",
        {
            "registration": registration,
            "apprentice": registration.apprentice,
            "lead_time": lead_time,
            "lead_time_summary": (
                lead_time.summary(registration.planned_assessment_month) if lead_time else ""
            ),
            "earliest_gateway": earliest_gateway,
            "show_address": user.role in ADDRESS_ROLES,
            "is_epao_admin": user.role == User.Role.EPAO_ADMIN,
            "status_tags": STATUS_TAGS,
            "actions": actions_for(user, registration),
            "current_break": registration.current_break,
            "breaks": registration.breaks.select_related("recorded_by", "resumed_by"),
            "transfers": registration.transfers.select_related(
                "from_organisation", "to_organisation", "transferred_by"
            ),
            # The claims live above the registration: read through their foreign key.
            "certificate_claims": (
                registration.certificate_claims.order_by("pk")
                if user.role == User.Role.EPAO_ADMIN
                else []
            ),
            **service_context(user, registration),
        },
    )


@role_required(User.Role.PROVIDER)
def register(request: HttpRequest) -> HttpResponse:
    """Register one apprentice for the user's training provider."""
    user: User = request.user  # type: ignore[assignment]
    today = clock.today()
    form = RegistrationForm(request.POST or None, user=user, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            registration = register_apprentice(
                user, RegistrationDetails.from_data(form.cleaned_data), today=today
            )
        except RegistrationRefused as refused:
            for field, message in refused.problems.get(0, []):
                form.add_error(field or None, message)
        else:
            apprentice = registration.apprentice
            messages.success(
                request,
                f"{apprentice.full_name} is registered on {registration.standard} "
                f"v{registration.version} with {registration.specification.epao_name}",
            )
            return redirect("registration:detail", pk=registration.pk)
    return render(request, "apprentices/register.html", {"form": form})


@role_required(User.Role.PROVIDER)
def upload(request: HttpRequest) -> HttpResponse:
    """Register many apprentices from a CSV file: all of them, or none and every error."""
    user: User = request.user  # type: ignore[assignment]
    form = UploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            outcome = csv_import.import_csv(user, file, today=clock.today())
        except (UploadRefused, csv_import.CsvRefused) as refused:
            form.add_error("file", str(refused))
        else:
            if not outcome.errors:
                count = len(outcome.registrations)
                messages.success(
                    request,
                    f"{count} apprentice{'' if count == 1 else 's'} registered from {file.name}",
                )
                return redirect("registration:list")
    errors = outcome.errors if outcome else []
    return render(
        request,
        "apprentices/upload.html",
        {
            "form": form,
            "outcome": outcome,
            "row_errors": errors,
            "summary_errors": errors[:ERRORS_IN_SUMMARY],
            "more_errors": max(0, len(errors) - ERRORS_IN_SUMMARY),
            "columns": csv_import.COLUMNS,
            "max_rows": csv_import.MAX_ROWS,
            "specifications": current_specifications().values_list("spec_id", flat=True),
        },
    )


@role_required(User.Role.PROVIDER)
def template_csv(request: HttpRequest) -> HttpResponse:
    """The CSV template to fill in: the header row."""
    response = HttpResponse(csv_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="openepa-registrations.csv"'
    return response
