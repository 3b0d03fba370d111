"""The EPAO admin's pages of the apprenticeship assessment service.

Only EPAO admins use them (others: forbidden), and each shows its own EPAO's items only.
Without ASSESSMENT_SERVICE_URL the pages say sending is not configured; the exports work.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.assessment_service import epa_records, overview, services
from openepa.assessment_service.tasks import send_to_service
from openepa.kernel.roles import role_required
from openepa.kernel.service_client import configured

ADMIN = User.Role.EPAO_ADMIN
PAGE_SIZE = 25
NOT_CONFIGURED = (
    "Sending to the apprenticeship assessment service is not configured: set "
    "ASSESSMENT_SERVICE_URL and ASSESSMENT_SERVICE_KEY"
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@role_required(ADMIN)
def service_overview(request: HttpRequest) -> HttpResponse:
    """The EPAO's EPA records and certificates by state, "Send now" and the exports."""
    user = _user(request)
    return render(
        request,
        "assessment_service/overview.html",
        {
            "configured": configured(),
            "not_configured": NOT_CONFIGURED,
            "counts": overview.counts_for(user),
            "states": [label for value, label in overview.State.choices if value != "sending"],
            "problem": overview.configuration_problem(user),
            "due_epa_records": epa_records.due_epa_records(user).count(),
        },
    )


@role_required(ADMIN)
def refused(request: HttpRequest) -> HttpResponse:
    """Everything the service refused, with its messages and what to do about each."""
    page = Paginator(overview.refused_items(_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessment_service/refused.html",
        {"page_obj": page, "rows": overview.refused_rows(page.object_list)},
    )


@role_required(ADMIN)
def waiting(request: HttpRequest) -> HttpResponse:
    """Everything not yet sent: waiting (the last error, the next try) or held, and why."""
    page = Paginator(overview.waiting_items(_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessment_service/waiting.html",
        {
            "page_obj": page,
            "rows": overview.waiting_rows(page.object_list, configured=configured()),
            "configured": configured(),
            "not_configured": NOT_CONFIGURED,
        },
    )


@require_POST
@role_required(ADMIN)
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Send one refused item again unchanged, once it was put right at the service."""
    item = overview.refused_items(_user(request)).filter(pk=pk).first()
    if item is None:
        raise Http404("No such refused item")
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        services.send_again(item, _user(request), revision)
    except services.SendAgainRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("assessment_service:refused")
    messages.success(
        request,
        f"The {item.get_kind_display().lower()} of {item.registration.apprentice.full_name} "
        "will be sent again" + ("" if configured() else f". {NOT_CONFIGURED}"),
    )
    return redirect("assessment_service:refused")


@require_POST
@role_required(ADMIN)
def send_now(request: HttpRequest) -> HttpResponse:
    """Send everything waiting now, in the background (ignoring the delays after failures)."""
    if not configured():
        messages.warning(request, NOT_CONFIGURED)
        return redirect("assessment_service:overview")
    transaction.on_commit(lambda: send_to_service.enqueue(False))
    messages.success(
        request,
        "Sending has started: everything waiting goes to the service now. Refresh this page "
        "in a minute to see what was sent and what was refused.",
    )
    return redirect("assessment_service:overview")


def _stream(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The EPA records waiting to be sent, streamed (role_required types views as HttpResponse)."""
    items = epa_records.due_epa_records(_user(request))
    if kind == "json":
        response = StreamingHttpResponse(
            epa_records.export_json(items), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="epa-records-due.json"'
    else:
        response = StreamingHttpResponse(
            epa_records.export_csv(items), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="createEpaRecords.csv"'
    return response


@role_required(ADMIN)
def epa_records_csv(request: HttpRequest) -> HttpResponse:
    """The EPA records due, as the published client's createEpaRecords.csv."""
    return _stream(request, "csv")  # type: ignore[return-value]


@role_required(ADMIN)
def epa_records_json(request: HttpRequest) -> HttpResponse:
    """The EPA records due, as the service's requests in batches of 25."""
    return _stream(request, "json")  # type: ignore[return-value]
