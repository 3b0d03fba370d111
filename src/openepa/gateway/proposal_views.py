"""Pages of the project proposal: the apprentice writes it, the approver decides it.

Each view fetches the proposal component through :mod:`openepa.gateway.pages` (404 outside
the user's scope or for another component), checks who may act (403), calls one service of
:mod:`openepa.gateway.proposal` and renders what :mod:`openepa.gateway.presenters` builds.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.gateway import presenters
from openepa.gateway.forms import DecisionForm, ProposalForm
from openepa.gateway.pages import fetch_proposal, show_refusal, user_of
from openepa.gateway.proposal import decide_proposal, may_decide_proposal, submit_proposal
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.wording import party_list
from openepa.registration.access import party_of
from openepa.rules.words import count_words


@login_required
def proposal(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The project proposal: the apprentice writes it (words counted) and sees each decision."""
    user = user_of(request)
    registration, item = fetch_proposal(request, registration_pk, component_pk)
    party = party_of(user, registration)
    context = presenters.proposal_context(registration)
    words: int | None = None
    if request.method == "POST":
        if party not in item.submitted_by:
            raise PermissionDenied(f"Only the {party_list(item.submitted_by)} write the proposal")
        form = ProposalForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            words = count_words(text)
            if "count" not in request.POST:
                try:
                    submit_proposal(item, user, text=text, revision=form.cleaned_data["revision"])
                except GatewayRefused as refusal:
                    show_refusal(form, refusal, item)
                else:
                    messages.success(
                        request,
                        f"Your proposal of {words} words was submitted for approval",
                    )
                    return redirect("gateway:overview", registration_pk=registration.pk)
        else:
            words = count_words(request.POST.get("text", ""))
    else:
        text, words = presenters.latest_words(context["proposals"])
        form = ProposalForm(initial={"revision": item.revision, "text": text})
    return render(
        request,
        "gateway/proposal.html",
        presenters.proposal_page(
            user, registration, item, context, party=party, form=form, words=words
        ),
    )


@login_required
def proposal_review(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The assessor (or, with none allocated, an EPAO admin) approves or rejects the proposal."""
    user = user_of(request)
    registration, item = fetch_proposal(request, registration_pk, component_pk)
    if not may_decide_proposal(user, registration):
        raise PermissionDenied("Only the assessor of this apprentice decides the proposal")
    if request.method == "POST":
        form = DecisionForm(request.POST, accept_label="Approve")
        if form.is_valid():
            data = form.cleaned_data
            approve = data["decision"] == "accept"
            try:
                decide_proposal(
                    item, user, approve=approve, reason=data["reason"], revision=data["revision"]
                )
            except GatewayRefused as refusal:
                show_refusal(form, refusal, item)
            else:
                verb = "approved" if approve else "rejected"
                messages.success(
                    request,
                    f"The project proposal of {registration.apprentice.full_name} was {verb}",
                )
                return redirect("gateway:overview", registration_pk=registration.pk)
    else:
        form = DecisionForm(initial={"revision": item.revision}, accept_label="Approve")
    return render(
        request,
        "gateway/proposal_review.html",
        presenters.proposal_review_page(user, registration, item, form),
    )
