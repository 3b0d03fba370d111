"""Pages of one apprentice's gateway: the task list, a component, its evidence, a declaration.

Each view fetches through :mod:`openepa.gateway.pages` (404 outside the user's scope),
checks the party (403 for someone who may look but not act), calls one service function
and renders what :mod:`openepa.gateway.presenters` builds. The portfolio, the proposal and
the EPAO's review have their own modules of views.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.gateway import presenters
from openepa.gateway.evidence import sign_declaration, submit_evidence
from openepa.gateway.forms import AnswerForm, EvidenceForm
from openepa.gateway.pages import fetch_component, show_refusal, user_of
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.wording import party_list
from openepa.kernel import specs
from openepa.registration.access import get_registration, party_of
from openepa.rules.labels import party_words


@login_required
def overview(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The gateway task list of one apprentice, its time checks and its EPA window."""
    user = user_of(request)
    registration = get_registration(user, registration_pk)
    return render(request, "gateway/overview.html", presenters.overview_page(user, registration))


@login_required
def component(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """One component: what it asks for, who submits it, its status and every attempt."""
    user = user_of(request)
    registration, item = fetch_component(request, registration_pk, component_pk)
    return render(
        request, "gateway/component.html", presenters.component_page(user, registration, item)
    )


@login_required
def submit(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """Upload the evidence of a component, or answer it, as the party that submits it."""
    user = user_of(request)
    registration, item = fetch_component(request, registration_pk, component_pk)
    if item.evidence == "declaration" or item.uses in ("portfolio", "project_proposal"):
        return redirect(presenters.task_url(item))
    party = party_of(user, registration)
    if party not in item.submitted_by:
        raise PermissionDenied(f"Only the {party_list(item.submitted_by)} submit this")
    spec, _ = specs.rules_of(registration)
    form_class = EvidenceForm if item.evidence == "upload" else AnswerForm
    kwargs: dict[str, Any] = {"component": item} if form_class is EvidenceForm else {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submit_evidence(
                    item,
                    user,
                    revision=data["revision"],
                    upload=data.get("file"),
                    note=data.get("note") or data.get("answer") or "",
                    level=data.get("level"),
                )
            except GatewayRefused as refusal:
                show_refusal(form, refusal, item)
            else:
                messages.success(request, f"{item.name} was submitted: the EPAO will review it")
                return redirect("gateway:overview", registration_pk=registration.pk)
    else:
        form = form_class(initial={"revision": item.revision}, **kwargs)
    return render(
        request, "gateway/submit.html", presenters.submit_page(registration, item, spec, form)
    )


@login_required
def sign(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """A declaration: its words, who has signed (name, time, account) and the viewer's signing."""
    user = user_of(request)
    registration, item = fetch_component(request, registration_pk, component_pk)
    if item.evidence != "declaration":
        raise Http404("This component is not a declaration")
    party = party_of(user, registration)
    errors: list[str] = []
    if request.method == "POST":
        if party not in item.submitted_by:
            raise PermissionDenied(
                f"Only the {party_list(item.submitted_by)} sign this declaration"
            )
        try:
            sign_declaration(item, user)
        except GatewayRefused as refusal:
            errors.append(refusal.message)
        else:
            messages.success(
                request,
                f"You signed {item.name} as the {party_words(party)}",
            )
            return redirect("gateway:overview", registration_pk=registration.pk)
    return render(
        request, "gateway/sign.html", presenters.sign_page(registration, item, party, errors)
    )
