"""Pages of the EPAO's review: the queue, the decision on one submission, the confirmation.

Each view is the EPAO admin's (403 for other roles), fetches through
:mod:`openepa.gateway.pages` (404 outside the admin's scope), calls one service of
:mod:`openepa.gateway.review` and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.gateway import presenters
from openepa.gateway.forms import DecisionForm, RevisionForm
from openepa.gateway.overview import overview
from openepa.gateway.pages import fetch_component, show_refusal, user_of
from openepa.gateway.refusals import GatewayNotReady, GatewayRefused
from openepa.gateway.review import SORTS, confirm_gateway, review_component, review_queue
from openepa.kernel.roles import role_required
from openepa.registration.access import get_registration


@role_required(User.Role.EPAO_ADMIN)
def queue(request: HttpRequest) -> HttpResponse:
    """The EPAO admin's list of submitted components waiting for review, oldest first."""
    user = user_of(request)
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "oldest")
    if sort not in SORTS:
        sort = "oldest"
    components = review_queue(user, query=query, sort=sort)
    page = Paginator(components, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "gateway/review_queue.html",
        {"page_obj": page, "query": query, "sort": sort},
    )


@role_required(User.Role.EPAO_ADMIN)
def review(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The EPAO admin accepts or rejects the latest submission of a component."""
    user = user_of(request)
    registration, item = fetch_component(request, registration_pk, component_pk)
    if item.uses == "project_proposal":
        return redirect("gateway:proposal_review", registration.pk, item.pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            accept = data["decision"] == "accept"
            try:
                review_component(
                    item, user, accept=accept, reason=data["reason"], revision=data["revision"]
                )
            except GatewayRefused as refusal:
                show_refusal(form, refusal, item)
            else:
                verb = "accepted" if accept else "rejected"
                messages.success(
                    request, f"{item.name} for {registration.apprentice.full_name} was {verb}"
                )
                return redirect("gateway:review_queue")
    else:
        form = DecisionForm(initial={"revision": item.revision})
    return render(request, "gateway/review.html", presenters.review_page(registration, item, form))


@role_required(User.Role.EPAO_ADMIN)
def confirm(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The EPAO admin confirms the gateway, which opens the EPA window."""
    user = user_of(request)
    registration = get_registration(user, registration_pk)
    errors: list[str] = []
    if request.method == "POST":
        form = RevisionForm(request.POST)
        if form.is_valid():
            try:
                confirm_gateway(registration, user, revision=form.cleaned_data["revision"])
            except GatewayNotReady as refusal:
                errors += refusal.problems
            except GatewayRefused as refusal:
                errors.append(refusal.message)
                registration.refresh_from_db()
            else:
                if registration.epa_window_end:
                    text = (
                        f"The gateway is confirmed: the EPA window ends on "
                        f"{registration.epa_window_end.day} "
                        f"{registration.epa_window_end:%B %Y}"
                    )
                else:
                    text = "The gateway is confirmed. The specification sets no EPA window length"
                messages.success(request, text)
                return redirect("gateway:overview", registration_pk=registration.pk)
        else:
            errors += [str(e) for e in form.errors.get("revision", [])]
    return render(
        request,
        "gateway/confirm.html",
        {"registration": registration, "data": overview(registration), "errors": errors},
    )
