"""Pages of the portfolio of evidence: the portfolio and its coverage, adding and removing pieces.

Each view fetches the portfolio component through :mod:`openepa.gateway.pages` (404 outside
the user's scope or for another component), checks the party (403), calls one service of
:mod:`openepa.gateway.portfolio` and renders what :mod:`openepa.gateway.presenters` builds.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.gateway import presenters
from openepa.gateway.forms import PieceForm, RevisionForm
from openepa.gateway.pages import fetch_portfolio, show_refusal, user_of
from openepa.gateway.portfolio import add_piece, mapping_choices, remove_piece, submit_portfolio
from openepa.gateway.refusals import ComponentChanged, GatewayRefused
from openepa.gateway.wording import party_list
from openepa.kernel import specs
from openepa.registration.access import party_of


@login_required
def portfolio(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The portfolio: its pieces against the specification's range, the matrix and coverage."""
    user = user_of(request)
    registration, item = fetch_portfolio(request, registration_pk, component_pk)
    party = party_of(user, registration)
    errors: list[str] = []
    if request.method == "POST":
        if party not in item.submitted_by:
            raise PermissionDenied(f"Only the {party_list(item.submitted_by)} submit the portfolio")
        form = RevisionForm(request.POST)
        if form.is_valid():
            try:
                submit_portfolio(item, user, revision=form.cleaned_data["revision"])
            except GatewayRefused as refusal:
                errors.append(refusal.message)
                if isinstance(refusal, ComponentChanged):
                    item.refresh_from_db()
                    item.registration = registration
            else:
                messages.success(request, "The portfolio was submitted: the EPAO will review it")
                return redirect("gateway:overview", registration_pk=registration.pk)
        else:
            errors += [str(e) for e in form.errors.get("revision", [])]
    return render(
        request,
        "gateway/portfolio.html",
        presenters.portfolio_page(registration, item, party, errors),
    )


@login_required
def piece_add(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """Add one piece of evidence to the portfolio, mapped to the KSBs (or areas) it evidences."""
    user = user_of(request)
    registration, item = fetch_portfolio(request, registration_pk, component_pk)
    if party_of(user, registration) not in item.submitted_by:
        raise PermissionDenied(f"Only the {party_list(item.submitted_by)} add portfolio evidence")
    spec, standard = specs.rules_of(registration)
    unit, choices = mapping_choices(standard)
    if request.method == "POST":
        form = PieceForm(request.POST, request.FILES, unit=unit, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                piece = add_piece(
                    item,
                    user,
                    title=data["title"],
                    evidence_type=data["evidence_type"],
                    evidence_date=data["evidence_date"],
                    upload=data["file"],
                    ksbs=data["ksbs"],
                )
            except GatewayRefused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, f"Piece {piece.number}, {piece.title}, was added")
                return redirect("gateway:portfolio", registration.pk, item.pk)
    else:
        form = PieceForm(unit=unit, choices=choices)
    return render(
        request,
        "gateway/piece_add.html",
        presenters.piece_add_page(registration, item, spec, unit, form),
    )


@require_POST
@login_required
def piece_remove(
    request: HttpRequest, registration_pk: int, component_pk: int, piece_pk: int
) -> HttpResponse:
    """Remove a piece from the portfolio before it is submitted."""
    user = user_of(request)
    registration, item = fetch_portfolio(request, registration_pk, component_pk)
    if party_of(user, registration) not in item.submitted_by:
        raise PermissionDenied(
            f"Only the {party_list(item.submitted_by)} remove portfolio evidence"
        )
    try:
        piece = remove_piece(item, user, piece_pk)
    except GatewayRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Piece {piece.number}, {piece.title}, was removed")
    return redirect("gateway:portfolio", registration.pk, item.pk)
