"""Pages of certificate claims, for the EPAO admin only.

A claim of another EPAO is "not found"; other roles are "forbidden". Each view fetches,
authorises, calls one service function and renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.claims import exports, readiness, services
from openepa.claims.forms import ClaimForm, MoveForm, SubmitForm
from openepa.claims.models import CertificateClaim
from openepa.claims.services import ClaimRefused, RecordChanged
from openepa.kernel import service_client
from openepa.kernel.roles import role_required
from openepa.registration.consent import application_made_on
from openepa.registration.learner_checks import request_check
from openepa.registration.models import CertificateConsent, LearnerCheck, ServiceItem
from openepa.rules.claims import (
    EDITABLE,
    FORMER_STATUS_LABELS,
    STANDARDS_PAGE,
    STATUS_LABELS,
    allowed_moves,
)
from openepa.rules.identifiers import ascii_digits
from openepa.rules.service import BATCH_LIMIT

ADMIN = User.Role.EPAO_ADMIN
PAGE_SIZE = 25
MOST_SELECTED = 100
SORTS = {
    "newest": ("-created_at", "-pk"),
    "name": ("family_name", "given_names", "pk"),
    "achieved": ("-achievement_date", "-pk"),
}

FIELD_LABELS = {name: str(field.label) for name, field in ClaimForm.base_fields.items()} | {
    "standard_code": "Standard code (LARS)",
    "standard_reference": "Standard reference",
    "version": "Version of the standard",
    "address_line_4": "Address line 4",
    "certificate_reference": "Certificate reference",
    services.SUBMISSION: "Submission to the assessment service",
}
HISTORY_STATUS_LABELS = STATUS_LABELS | FORMER_STATUS_LABELS


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _claim(request: HttpRequest, pk: int) -> CertificateClaim:
    """One claim in the admin's scope, or 404."""
    claim = (
        services.claims_for(_user(request))
        .select_related(*readiness.RELATED, "registration__epao", "updated_by")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404("No such certificate claim")
    return claim


def fix_link(problem: str, claim: CertificateClaim) -> SafeString:
    """The problem's words with a link to where it is put right, if there is one."""
    fix = getattr(problem, "fix", "")
    registration = claim.registration_id
    links = {
        "claim": (reverse("claims:edit", args=[claim.pk]), "Change the claim"),
        "standards": (reverse("claims:standards"), STANDARDS_PAGE),
        "consent": (
            reverse("registration:detail", args=[registration]),
            "Open the apprentice's page",
        ),
        "learner": (
            reverse("registration:detail", args=[registration]),
            "Open the apprentice's page",
        ),
        "registration": (
            reverse("registration:correct", args=[registration]),
            "Correct the registration's details",
        ),
    }
    if fix not in links:
        return format_html("{}", problem)
    url, words = links[fix]
    return format_html('{} <a class="govuk-link" href="{}">{}</a>', problem, url, words)


def _filtered(request: HttpRequest) -> tuple[QuerySet[CertificateClaim], str, str]:
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    sort = request.GET.get("sort", "newest")
    if sort not in SORTS:
        sort = "newest"
    claims = services.claims_for(_user(request))
    if status:
        claims = claims.filter(status=status)
    return claims.order_by(*SORTS[sort]), status, sort


def _list(
    request: HttpRequest,
    refusals: Sequence[str] = (),
    selected: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    claims, chosen, sort = _filtered(request)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    user = _user(request)
    counts = dict(
        services.claims_for(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    refused = set(
        ServiceItem.objects.filter(
            registration_id__in=[claim.registration_id for claim in page.object_list],
            kind=ServiceItem.Kind.CERTIFICATE,
            state=ServiceItem.State.REFUSED,
        ).values_list("registration_id", flat=True)
    )
    shown, failing, passing = exports.held_back(services.ready_claims(user))
    held_back = [
        (item.claim, [fix_link(problem, item.claim) for problem in item.problems]) for item in shown
    ]
    return render(
        request,
        "claims/list.html",
        {
            "page_obj": page,
            "status": chosen,
            "status_label": STATUS_LABELS.get(chosen, ""),
            "sort": sort,
            "statuses": [(key, label, counts.get(key, 0)) for key, label in STATUS_LABELS.items()],
            "total": sum(counts.values()),
            "ready": counts.get("ready", 0),
            "passing": passing,
            "failing": failing,
            "held_back": held_back,
            "missing": services.results_without_claim(user).count(),
            "batch": services.BATCH,
            "batch_limit": BATCH_LIMIT,
            "configured": service_client.configured(),
            "not_configured": services.NOT_CONFIGURED,
            "refusals": list(refusals),
            "selected": list(selected),
            "refused": refused,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@role_required(ADMIN)
def claim_list(request: HttpRequest) -> HttpResponse:
    """The EPAO's claims, filtered by status and sorted, 25 a page; ready ones held back."""
    return _list(request)


@require_POST
@role_required(ADMIN)
def draft_missing(request: HttpRequest) -> HttpResponse:
    """Draft claims for achieved results that have none, one batch at a time."""
    drafted, left = services.draft_missing_claims(_user(request))
    if drafted:
        messages.success(request, f"{drafted} claim{'s' if drafted != 1 else ''} drafted")
        if left:  # still to do: an "Important" banner, never inside the green one
            messages.warning(
                request,
                f"{left} result{'s' if left != 1 else ''} still without a claim: "
                "draft the next batch",
            )
    else:
        messages.info(request, "Every achieved result already has a claim")
    return redirect("claims:list")


@require_POST
@role_required(ADMIN)
def submit_selected(request: HttpRequest) -> HttpResponse:
    """Ask for the selected ready claims to be submitted to the service, in one request."""
    chosen = request.POST.getlist("claims")
    if not chosen:
        return _list(request, ["Select the ready claims to submit to the assessment service"])
    if len(chosen) > MOST_SELECTED:
        return _list(
            request,
            [f"Select at most {MOST_SELECTED} claims at once"],
            chosen,
        )
    if not all(ascii_digits(value) and len(value) < 19 for value in chosen):
        raise Http404("No such certificate claim")
    pks = {int(value) for value in chosen}
    claims = list(services.claims_for(_user(request)).filter(pk__in=pks))
    if len(claims) != len(pks):
        raise Http404("No such certificate claim")
    try:
        submitted = services.submit_claims(_user(request), claims)
    except ClaimRefused as refusal:
        return _list(request, refusal.problems, chosen)
    count = len(submitted)
    messages.success(
        request,
        f"{count} claim{'s' if count != 1 else ''} will be submitted to the assessment service; "
        "each claim's status follows what the service says",
    )
    return redirect(reverse("claims:list") + (f"?{request.GET.urlencode()}" if request.GET else ""))


def _learner_source(claim: CertificateClaim) -> dict[str, Any]:
    """What the claim's learner is compared with, for the page."""
    if not service_client.configured():
        return {"by_service": False, "check": None}
    check = (
        LearnerCheck.objects.filter(registration_id=claim.registration_id, current=True)
        .order_by("-requested_at", "-pk")
        .first()
    )
    answered = check is not None and readiness.learner_of_check(check)[1]
    return {"by_service": answered, "check": check}


def _withdrawn_after_applying(claim: CertificateClaim) -> CertificateConsent | None:
    """The permission withdrawn after the claim was submitted (the application made), if so."""
    applied_on = application_made_on(claim.registration)
    if applied_on is None:
        return None
    last = (
        CertificateConsent.objects.filter(
            registration_id=claim.registration_id, withdrawn_at__isnull=False
        )
        .order_by("-withdrawn_at", "-pk")
        .first()
    )
    if last is None or last.withdrawn_at is None:
        return None
    return last if timezone.localdate(last.withdrawn_at) >= applied_on else None


def _detail(
    request: HttpRequest,
    claim: CertificateClaim,
    move_form: MoveForm | None = None,
    refusals: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    configured = service_client.configured()
    allowed = list(allowed_moves(claim.status, service_configured=configured))
    if move_form is None:
        move_form = MoveForm(allowed=allowed, initial={"revision": claim.revision})
    problems = services.problems_of(claim) if claim.status in EDITABLE else []
    look_up = (
        configured
        and not claim.registration.is_read_only
        and any(getattr(problem, "fix", "") == "lookup" for problem in problems)
    )
    consent = (
        CertificateConsent.objects.select_related("recorded_by")
        .filter(registration_id=claim.registration_id, withdrawn_at__isnull=True)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "problems": [fix_link(problem, claim) for problem in problems],
            "history": claim.changes.select_related("changed_by").order_by("-changed_at", "-pk"),
            "move_form": move_form,
            "allowed": allowed,
            "editable": claim.status in EDITABLE,
            "refusals": [fix_link(problem, claim) for problem in refusals],
            "status_labels": HISTORY_STATUS_LABELS,
            "field_labels": FIELD_LABELS,
            "standard": readiness.standard_of(claim),
            "options": services.course_options_of(claim),
            "learner": _learner_source(claim),
            "look_up": look_up,
            "consent": consent,
            "withdrawn": None if consent else _withdrawn_after_applying(claim),
            "configured": configured,
            "not_configured": services.NOT_CONFIGURED,
            "submitted": services.submit_requested(claim),
            "item": ServiceItem.objects.filter(
                registration_id=claim.registration_id, kind=ServiceItem.Kind.CERTIFICATE
            ).first(),
            "submit_form": SubmitForm(initial={"revision": claim.revision}),
        },
        status=status,
    )


@role_required(ADMIN)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One claim: its details, what stops it being ready, its status moves and history."""
    return _detail(request, _claim(request, pk))


@require_POST
@role_required(ADMIN)
def claim_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the claim to another status (marking it ready re-checks every rule)."""
    claim = _claim(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail(request, claim, move_form=form)
    data = form.cleaned_data
    try:
        services.move_claim(
            claim,
            _user(request),
            target=data["target"],
            revision=data["revision"],
            reason=data["reason"],
        )
    except ClaimRefused as refusal:
        claim = _claim(request, pk)
        # Unbound, so only the refusal is shown; what the person chose and typed is kept.
        form = MoveForm(
            allowed=list(
                allowed_moves(claim.status, service_configured=service_client.configured())
            ),
            initial={
                "revision": claim.revision,
                "target": data["target"],
                "reason": data["reason"],
            },
        )
        return _detail(request, claim, move_form=form, refusals=refusal.problems)
    messages.success(
        request,
        f"The claim for {claim.full_name} was marked {STATUS_LABELS[claim.status].lower()}",
    )
    return redirect("claims:detail", pk=claim.pk)


@require_POST
@role_required(ADMIN)
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for one ready claim to be submitted to the service."""
    claim = _claim(request, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _detail(
            request, claim, refusals=[str(error) for error in form.errors.get("revision", [])]
        )
    try:
        services.submit_claims(
            _user(request), [claim], revisions={claim.pk: form.cleaned_data["revision"]}
        )
    except ClaimRefused as refusal:
        return _detail(request, _claim(request, pk), refusals=refusal.problems)
    messages.success(
        request,
        f"The claim for {claim.full_name} will be submitted to the assessment service; its "
        "status follows what the service says",
    )
    return redirect("claims:detail", pk=claim.pk)


@require_POST
@role_required(ADMIN)
def claim_look_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the assessment service about the claim's apprentice now, and come back to the claim."""
    claim = _claim(request, pk)
    if not service_client.configured():
        messages.error(request, services.NOT_CONFIGURED)
        return redirect("claims:detail", pk=claim.pk)
    if claim.registration.is_read_only:
        messages.error(request, "The registration was withdrawn: the apprentice is not looked up")
        return redirect("claims:detail", pk=claim.pk)
    request_check(claim.registration, LearnerCheck.Reason.CLAIM, _user(request))
    messages.success(
        request,
        f"OpenEPA is asking the assessment service about {claim.full_name}: reload this page in "
        "a moment to see its answer",
    )
    return redirect("claims:detail", pk=claim.pk)


def _initial(claim: CertificateClaim) -> dict[str, Any]:
    values = {field: getattr(claim, field) for field in services.EDITABLE_FIELDS}
    values["revision"] = claim.revision
    return values


@role_required(ADMIN)
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a claim's details (not once it has been sent to the service)."""
    claim = _claim(request, pk)
    grades = services.grades_of(claim)
    options = services.course_options_of(claim)
    choices: dict[str, Any] = {
        "grades": grades.words,
        "awarded_by": grades.awarded_by,
        "options": options,
    }
    refusal_message = ""
    if request.method == "POST":
        form = ClaimForm(request.POST, **choices)
        if form.is_valid():
            data = dict(form.cleaned_data)
            revision = data.pop("revision")
            reason = data.pop("reason")
            data.setdefault("option", "")
            try:
                changes = services.update_claim(
                    claim, _user(request), revision=revision, values=data, reason=reason
                )
            except ClaimRefused as refusal:
                form.add_error(None, refusal.message)
                if isinstance(refusal, RecordChanged):
                    claim = _claim(request, pk)
                    refusal_message = refusal.message
                    fresh = form.data.copy()  # type: ignore[attr-defined]
                    fresh["revision"] = str(claim.revision)
                    form.data = fresh
            else:
                if changes:
                    messages.success(request, f"The claim for {claim.full_name} was saved")
                    if "status" in changes:  # a warning has its own banner, not the green one
                        messages.warning(
                            request, "It is back in draft: check it and mark it ready again"
                        )
                else:
                    messages.info(request, "Nothing was changed")
                return redirect("claims:detail", pk=claim.pk)
    else:
        form = ClaimForm(initial=_initial(claim), **choices)
    return render(
        request,
        "claims/edit.html",
        {
            "claim": claim,
            "form": form,
            "editable": claim.status in EDITABLE,
            "changed_by_other": bool(refusal_message),
            "standard": readiness.standard_of(claim),
            "options": options,
        },
    )


def _stream(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The ready claims that pass every check, streamed in batches.

    Only those go, whatever the list shows: a draft has not passed its checks, and a ready
    claim that fails one today is listed on the claims page instead.
    """
    claims = services.ready_claims(_user(request))
    name = "certificate-claims-ready"
    if kind == "json":
        response = StreamingHttpResponse(
            exports.export_json(claims), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = StreamingHttpResponse(
            exports.export_csv(claims), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@role_required(ADMIN)
def export_json(request: HttpRequest) -> HttpResponse:
    """The ready claims as the service's certificate requests, in batches of 25 (JSON)."""
    return _stream(request, "json")  # type: ignore[return-value]


@role_required(ADMIN)
def export_csv(request: HttpRequest) -> HttpResponse:
    """The ready claims as the columns of the service's createCertificates.csv."""
    return _stream(request, "csv")  # type: ignore[return-value]
