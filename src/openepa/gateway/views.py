"""Pages of the gateway of one apprentice, and the EPAO's review queue.

The task list, each component's page, the EPAO's reviews, the portfolio, the project proposal
and the confirmation. Each view fetches through :mod:`openepa.registration.access` (404
outside the user's scope), checks the party (403 for someone who may look but not act), calls
one service function and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.gateway import services
from openepa.gateway.forms import (
    AnswerForm,
    DecisionForm,
    EvidenceForm,
    PieceForm,
    ProposalForm,
    RevisionForm,
)
from openepa.gateway.models import GatewayComponent
from openepa.gateway.services import ComponentChanged, GatewayNotReady, GatewayRefused
from openepa.kernel import specs
from openepa.kernel.roles import role_required
from openepa.registration.access import get_registration, party_of
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.rules.dates import describe
from openepa.rules.labels import party_label, party_words
from openepa.rules.words import count_words

Status = GatewayComponent.Status

TAGS = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.IN_PROGRESS: "govuk-tag--light-blue",
    Status.SUBMITTED: "govuk-tag--yellow",
    Status.REJECTED: "govuk-tag--red",
    Status.ACCEPTED: "govuk-tag--green",
}
SORTS = {"oldest": "waiting_since", "newest": "-waiting_since"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _fetch(
    request: HttpRequest, registration_pk: int, component_pk: int
) -> tuple[Registration, GatewayComponent]:
    """The registration (404 outside the user's scope) and one of its components (or 404)."""
    registration = get_registration(_user(request), registration_pk)
    component = get_object_or_404(
        GatewayComponent.objects.select_related("accepted_by"),
        registration=registration,
        pk=component_pk,
    )
    component.registration = registration
    return registration, component


def _refuse(form: Any, refusal: GatewayRefused, component: GatewayComponent | None = None) -> None:
    """Show a refusal on the form; after someone else's change, carry the new revision."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)
    if isinstance(refusal, ComponentChanged) and component is not None:
        registration = component.registration
        component.refresh_from_db()
        component.registration = registration
        data = form.data.copy()
        data["revision"] = str(component.revision)
        form.data = data


def _task_url(component: GatewayComponent, party: str | None = None) -> str:
    """The page a task-list link opens for the viewer.

    The EPAO admin goes to the review of a submitted component; otherwise the portfolio, the
    proposal, the declaration or the component's own page.
    """
    args = [component.registration_id, component.pk]
    if component.uses == "project_proposal":
        return reverse("gateway:proposal", args=args)
    if party == "epao" and component.status == Status.SUBMITTED:
        return reverse("gateway:review", args=args)
    if component.uses == "portfolio":
        return reverse("gateway:portfolio", args=args)
    if component.evidence == "declaration":
        return reverse("gateway:sign", args=args)
    return reverse("gateway:component", args=args)


def _your_part(
    component: GatewayComponent, party: str | None, signed: set[str], may_decide: bool
) -> str:
    """What the viewer can do on a component now, in words, or an empty string."""
    status = component.status
    if party in component.submitted_by and status in services.OPEN:
        if component.evidence == "declaration":
            return "" if party in signed else "sign the declaration"
        if component.uses == "portfolio":
            return "add pieces of evidence and submit the portfolio"
        if component.uses == "project_proposal":
            return "write and submit the proposal"
        return "upload the evidence" if component.evidence == "upload" else "answer"
    if status == Status.SUBMITTED:
        if component.uses == "project_proposal":
            return "approve or reject the proposal" if may_decide else ""
        if party == "epao":
            return "review the submission"
    return ""


def _rows(
    components: list[GatewayComponent],
    party: str | None,
    may_decide: bool,
    proposals: list[Any],
) -> list[dict[str, Any]]:
    """One task-list row per component, with what the viewer needs to read."""
    rows = []
    for component in components:
        latest = services.latest_submission(component)
        signatures = (
            services.current_signatures(component) if component.evidence == "declaration" else []
        )
        signed = {signature.party for signature in signatures}
        rows.append(
            {
                "component": component,
                "url": _task_url(component, party),
                "tag": TAGS[Status(component.status)],
                "parties": services.party_list(component.submitted_by),
                "latest": latest,
                "reason": latest.reason if latest and component.status == Status.REJECTED else "",
                "signatures": signatures,
                "waiting_for": services.party_list(
                    p for p in component.submitted_by if p not in signed
                ),
                "your_part": _your_part(component, party, signed, may_decide),
                "proposal": proposals[0]
                if proposals and component.uses == "project_proposal"
                else None,
            }
        )
    return rows


# --- the overview and the review queue --------------------------------------------------


@login_required
def overview(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The gateway task list of one apprentice, its time checks and its EPA window."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    data = services.overview(registration)
    party = party_of(user, registration)
    has_proposal = any(c.uses == "project_proposal" for c in data.components)
    proposals = services.proposals_of(registration) if has_proposal else []
    may_decide = has_proposal and services.may_decide_proposal(user, registration)
    return render(
        request,
        "gateway/overview.html",
        {
            "registration": registration,
            "data": data,
            "rows": _rows(data.components, party, may_decide, proposals),
            "party": party,
            "party_label": party_words(party),
            "accepted": sum(1 for c in data.components if c.status == Status.ACCEPTED),
        },
    )


@role_required(User.Role.EPAO_ADMIN)
def review_queue(request: HttpRequest) -> HttpResponse:
    """The EPAO admin's list of submitted components waiting for review, oldest first."""
    user = _user(request)
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "oldest")
    if sort not in SORTS:
        sort = "oldest"
    components = services.awaiting_review(user)
    if query:
        components = components.filter(
            Q(registration__apprentice__family_name__icontains=query)
            | Q(registration__apprentice__given_names__icontains=query)
            | Q(registration__apprentice__uln=query)
            | Q(name__icontains=query)
        )
    components = components.order_by(SORTS[sort], "pk")
    page = Paginator(components, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "gateway/review_queue.html",
        {"page_obj": page, "query": query, "sort": sort},
    )


# --- one component ----------------------------------------------------------------------


@login_required
def component(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """One component: what it asks for, who submits it, its status and every attempt."""
    user = _user(request)
    registration, item = _fetch(request, registration_pk, component_pk)
    spec, _ = specs.rules_of(registration)
    submissions = list(
        item.submissions.select_related("submitted_by", "decided_by", "file").order_by("-attempt")
    )
    signatures = list(item.signatures.select_related("user").order_by("attempt", "signed_at"))
    party = party_of(user, registration)
    signed = {s.party for s in signatures if s.attempt == services.current_attempt(item)}
    may_decide = item.uses == "project_proposal" and services.may_decide_proposal(
        user, registration
    )
    return render(
        request,
        "gateway/component.html",
        {
            "registration": registration,
            "component": item,
            "tag": TAGS[Status(item.status)],
            "parties": services.party_list(item.submitted_by),
            "submissions": submissions,
            "signatures": signatures,
            "source": services.requirement_source(item, spec),
            "task_url": _task_url(item),
            "your_part": _your_part(item, party, signed, may_decide),
            "party": party,
            "epao": spec.epao.name,
        },
    )


@login_required
def submit(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """Upload the evidence of a component, or answer it, as the party that submits it."""
    user = _user(request)
    registration, item = _fetch(request, registration_pk, component_pk)
    if item.evidence == "declaration" or item.uses in ("portfolio", "project_proposal"):
        return redirect(_task_url(item))
    party = party_of(user, registration)
    if party not in item.submitted_by:
        raise PermissionDenied(f"Only the {services.party_list(item.submitted_by)} submit this")
    spec, _ = specs.rules_of(registration)
    form_class = EvidenceForm if item.evidence == "upload" else AnswerForm
    kwargs: dict[str, Any] = {"component": item} if form_class is EvidenceForm else {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_evidence(
                    item,
                    user,
                    revision=data["revision"],
                    upload=data.get("file"),
                    note=data.get("note") or data.get("answer") or "",
                    level=data.get("level"),
                )
            except GatewayRefused as refusal:
                _refuse(form, refusal, item)
            else:
                messages.success(request, f"{item.name} was submitted: the EPAO will review it")
                return redirect("gateway:overview", registration_pk=registration.pk)
    else:
        form = form_class(initial={"revision": item.revision}, **kwargs)
    return render(
        request,
        "gateway/submit.html",
        {
            "registration": registration,
            "component": item,
            "form": form,
            "problem": services.state_problem(item),
            "epao": spec.epao.name,
            "subject": services.subject_of(item),
            "source": services.requirement_source(item, spec),
            "accept": ".pdf,.docx,.txt,.png,.jpg,.jpeg",
        },
    )


@login_required
def sign(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """A declaration: its words, who has signed (name, time, account) and the viewer's signing."""
    user = _user(request)
    registration, item = _fetch(request, registration_pk, component_pk)
    if item.evidence != "declaration":
        raise Http404("This component is not a declaration")
    party = party_of(user, registration)
    errors: list[str] = []
    if request.method == "POST":
        if party not in item.submitted_by:
            raise PermissionDenied(
                f"Only the {services.party_list(item.submitted_by)} sign this declaration"
            )
        try:
            services.sign_declaration(item, user)
        except GatewayRefused as refusal:
            errors.append(refusal.message)
        else:
            messages.success(
                request,
                f"You signed {item.name} as the {party_words(party)}",
            )
            return redirect("gateway:overview", registration_pk=registration.pk)
    spec, _ = specs.rules_of(registration)
    attempt = services.current_attempt(item)
    signatures = list(
        item.signatures.filter(attempt=attempt).select_related("user").order_by("signed_at")
    )
    by_party = {s.party: s for s in signatures}
    latest = item.submissions.order_by("-attempt").first()
    parties = [
        {"party": p, "label": party_label(p), "signature": by_party.get(p)}
        for p in item.submitted_by
    ]
    return render(
        request,
        "gateway/sign.html",
        {
            "registration": registration,
            "component": item,
            "parties": parties,
            "attempt": attempt,
            "errors": errors,
            "can_sign": party in item.submitted_by
            and item.status in services.OPEN
            and party not in by_party,
            "party_label": party_words(party),
            "problem": services.state_problem(item),
            "source": services.requirement_source(item, spec),
            "tag": TAGS[Status(item.status)],
            "rejection": latest if latest and item.status == Status.REJECTED else None,
            "party": party,
        },
    )


@role_required(User.Role.EPAO_ADMIN)
def review(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The EPAO admin accepts or rejects the latest submission of a component."""
    user = _user(request)
    registration, item = _fetch(request, registration_pk, component_pk)
    if item.uses == "project_proposal":
        return redirect("gateway:proposal_review", registration.pk, item.pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            accept = data["decision"] == "accept"
            try:
                services.review_component(
                    item, user, accept=accept, reason=data["reason"], revision=data["revision"]
                )
            except GatewayRefused as refusal:
                _refuse(form, refusal, item)
            else:
                verb = "accepted" if accept else "rejected"
                messages.success(
                    request, f"{item.name} for {registration.apprentice.full_name} was {verb}"
                )
                return redirect("gateway:review_queue")
    else:
        form = DecisionForm(initial={"revision": item.revision})
    spec, _ = specs.rules_of(registration)
    latest = (
        item.submissions.select_related("submitted_by", "decided_by", "file")
        .order_by("-attempt")
        .first()
    )
    signatures = []
    if latest is not None and item.evidence == "declaration":
        signatures = list(
            item.signatures.filter(attempt=latest.attempt)
            .select_related("user")
            .order_by("signed_at")
        )
    pieces = services.active_pieces(registration) if item.uses == "portfolio" else []
    return render(
        request,
        "gateway/review.html",
        {
            "registration": registration,
            "component": item,
            "latest": latest,
            "signatures": signatures,
            "pieces": pieces,
            "types": services.EVIDENCE_TYPE_LABELS,
            "form": form,
            "tag": TAGS[Status(item.status)],
            "parties": services.party_list(item.submitted_by),
            "epao": spec.epao.name,
            "waiting": item.status == Status.SUBMITTED,
        },
    )


# --- the portfolio ----------------------------------------------------------------------


def _portfolio_component(
    request: HttpRequest, registration_pk: int, component_pk: int
) -> tuple[Registration, GatewayComponent]:
    registration, item = _fetch(request, registration_pk, component_pk)
    if item.uses != "portfolio":
        raise Http404("This component is not the portfolio of evidence")
    return registration, item


@login_required
def portfolio(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The portfolio: its pieces against the specification's range, the matrix and coverage."""
    user = _user(request)
    registration, item = _portfolio_component(request, registration_pk, component_pk)
    party = party_of(user, registration)
    errors: list[str] = []
    if request.method == "POST":
        if party not in item.submitted_by:
            raise PermissionDenied(
                f"Only the {services.party_list(item.submitted_by)} submit the portfolio"
            )
        form = RevisionForm(request.POST)
        if form.is_valid():
            try:
                services.submit_portfolio(item, user, revision=form.cleaned_data["revision"])
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
    spec, standard = specs.rules_of(registration)
    rules = spec.evidence.portfolio
    pieces = services.active_pieces(registration)
    low, high = gateway_rules.portfolio_range(rules)
    return render(
        request,
        "gateway/portfolio.html",
        {
            "registration": registration,
            "component": item,
            "rules": rules,
            "pieces": pieces,
            "types": services.EVIDENCE_TYPE_LABELS,
            "coverage": services.coverage(spec, standard, pieces),
            "count_problem": gateway_rules.portfolio_count_problem(
                len(pieces), rules, spec.epao.name
            ),
            "low": low,
            "high": high,
            "errors": errors,
            "may_edit": party in item.submitted_by and item.status in services.OPEN,
            "problem": services.state_problem(item),
            "tag": TAGS[Status(item.status)],
            "epao": spec.epao.name,
            "parties": services.party_list(item.submitted_by),
            "party": party,
        },
    )


@login_required
def piece_add(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """Add one piece of evidence to the portfolio, mapped to the KSBs (or areas) it evidences."""
    user = _user(request)
    registration, item = _portfolio_component(request, registration_pk, component_pk)
    if party_of(user, registration) not in item.submitted_by:
        raise PermissionDenied(
            f"Only the {services.party_list(item.submitted_by)} add portfolio evidence"
        )
    spec, standard = specs.rules_of(registration)
    unit, choices = services.mapping_choices(standard)
    if request.method == "POST":
        form = PieceForm(request.POST, request.FILES, unit=unit, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                piece = services.add_piece(
                    item,
                    user,
                    title=data["title"],
                    evidence_type=data["evidence_type"],
                    evidence_date=data["evidence_date"],
                    upload=data["file"],
                    ksbs=data["ksbs"],
                )
            except GatewayRefused as refusal:
                _refuse(form, refusal)
            else:
                messages.success(request, f"Piece {piece.number}, {piece.title}, was added")
                return redirect("gateway:portfolio", registration.pk, item.pk)
    else:
        form = PieceForm(unit=unit, choices=choices)
    rules = spec.evidence.portfolio
    excluded = rules.excluded_types if rules else []
    return render(
        request,
        "gateway/piece_add.html",
        {
            "registration": registration,
            "component": item,
            "form": form,
            "unit": unit,
            "excluded": excluded,
            "epao": spec.epao.name,
            "problem": services.state_problem(item),
            "accept": ".pdf,.docx,.txt,.png,.jpg,.jpeg",
        },
    )


@require_POST
@login_required
def piece_remove(
    request: HttpRequest, registration_pk: int, component_pk: int, piece_pk: int
) -> HttpResponse:
    """Remove a piece from the portfolio before it is submitted."""
    user = _user(request)
    registration, item = _portfolio_component(request, registration_pk, component_pk)
    if party_of(user, registration) not in item.submitted_by:
        raise PermissionDenied(
            f"Only the {services.party_list(item.submitted_by)} remove portfolio evidence"
        )
    try:
        piece = services.remove_piece(item, user, piece_pk)
    except GatewayRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Piece {piece.number}, {piece.title}, was removed")
    return redirect("gateway:portfolio", registration.pk, item.pk)


# --- the project proposal ---------------------------------------------------------------


def _proposal_component(
    request: HttpRequest, registration_pk: int, component_pk: int
) -> tuple[Registration, GatewayComponent]:
    registration, item = _fetch(request, registration_pk, component_pk)
    if item.uses != "project_proposal":
        raise Http404("This component is not the project proposal")
    return registration, item


def _proposal_context(registration: Registration) -> dict[str, Any]:
    spec, _ = specs.rules_of(registration)
    rule = gateway_rules.proposal_resubmission_rule(spec)
    return {
        "wording": spec.evidence.project_proposal,
        "resubmission_rule": rule,
        "resubmission_length": describe(rule.at_most.unit, rule.at_most.value)
        if rule and rule.at_most
        else "",
        "proposals": services.proposals_of(registration),
        "approver": services.proposal_approver(spec),
        "epao": spec.epao.name,
    }


@login_required
def proposal(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The project proposal: the apprentice writes it (words counted) and sees each decision."""
    user = _user(request)
    registration, item = _proposal_component(request, registration_pk, component_pk)
    party = party_of(user, registration)
    context = _proposal_context(registration)
    proposals = context["proposals"]
    words: int | None = None
    if request.method == "POST":
        if party not in item.submitted_by:
            raise PermissionDenied(
                f"Only the {services.party_list(item.submitted_by)} write the proposal"
            )
        form = ProposalForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            words = count_words(text)
            if "count" not in request.POST:
                try:
                    services.submit_proposal(
                        item, user, text=text, revision=form.cleaned_data["revision"]
                    )
                except GatewayRefused as refusal:
                    _refuse(form, refusal, item)
                else:
                    messages.success(
                        request,
                        f"Your proposal of {words} words was submitted for approval",
                    )
                    return redirect("gateway:overview", registration_pk=registration.pk)
        else:
            words = count_words(request.POST.get("text", ""))
    else:
        latest = proposals[0] if proposals else None
        form = ProposalForm(
            initial={"revision": item.revision, "text": latest.text if latest else ""}
        )
        if latest is not None:
            words = latest.word_count
    may_decide = services.may_decide_proposal(user, registration)
    return render(
        request,
        "gateway/proposal.html",
        {
            **context,
            "registration": registration,
            "component": item,
            "form": form,
            "words": words,
            "may_write": party in item.submitted_by and item.status in services.OPEN,
            "may_decide": may_decide and item.status == Status.SUBMITTED,
            "problem": services.state_problem(item),
            "tag": TAGS[Status(item.status)],
        },
    )


@login_required
def proposal_review(request: HttpRequest, registration_pk: int, component_pk: int) -> HttpResponse:
    """The assessor (or, with none allocated, an EPAO admin) approves or rejects the proposal."""
    user = _user(request)
    registration, item = _proposal_component(request, registration_pk, component_pk)
    if not services.may_decide_proposal(user, registration):
        raise PermissionDenied("Only the assessor of this apprentice decides the proposal")
    if request.method == "POST":
        form = DecisionForm(request.POST, accept_label="Approve")
        if form.is_valid():
            data = form.cleaned_data
            approve = data["decision"] == "accept"
            try:
                services.decide_proposal(
                    item, user, approve=approve, reason=data["reason"], revision=data["revision"]
                )
            except GatewayRefused as refusal:
                _refuse(form, refusal, item)
            else:
                verb = "approved" if approve else "rejected"
                messages.success(
                    request,
                    f"The project proposal of {registration.apprentice.full_name} was {verb}",
                )
                return redirect("gateway:overview", registration_pk=registration.pk)
    else:
        form = DecisionForm(initial={"revision": item.revision}, accept_label="Approve")
    context = _proposal_context(registration)
    proposals = context["proposals"]
    pending = (
        proposals[0]
        if proposals and proposals[0].decision == proposals[0].Decision.PENDING
        else None
    )
    return render(
        request,
        "gateway/proposal_review.html",
        {
            **context,
            "registration": registration,
            "component": item,
            "form": form,
            "pending": pending,
            "tag": TAGS[Status(item.status)],
            "on_behalf": party_of(user, registration) == "epao",
        },
    )


# --- confirming the gateway -------------------------------------------------------------


@role_required(User.Role.EPAO_ADMIN)
def confirm(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """The EPAO admin confirms the gateway, which opens the EPA window."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    errors: list[str] = []
    if request.method == "POST":
        form = RevisionForm(request.POST)
        if form.is_valid():
            try:
                services.confirm_gateway(registration, user, revision=form.cleaned_data["revision"])
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
    data = services.overview(registration)
    return render(
        request,
        "gateway/confirm.html",
        {"registration": registration, "data": data, "errors": errors},
    )
