"""Pages of certificate claims, for the EPAO admin only.

A claim of another EPAO is "not found"; other roles are "forbidden". Each view fetches,
authorises, calls one service function and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.claims import services
from openepa.claims.forms import ClaimForm, MoveForm
from openepa.claims.models import CertificateClaim
from openepa.claims.services import ClaimRefused, RecordChanged
from openepa.kernel.roles import role_required
from openepa.rules.claims import ALLOWED_MOVES, EDITABLE, STATUS_LABELS

ADMIN = User.Role.EPAO_ADMIN
PAGE_SIZE = 25
SORTS = {
    "newest": ("-created_at", "-pk"),
    "name": ("family_name", "given_names", "pk"),
    "achieved": ("-achievement_date", "-pk"),
}


FIELD_LABELS = {name: str(field.label) for name, field in ClaimForm.base_fields.items()}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _claim(request: HttpRequest, pk: int) -> CertificateClaim:
    """One claim in the admin's scope, or 404."""
    claim = (
        services.claims_for(_user(request))
        .select_related("result", "registration", "registration__epao", "updated_by")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404("No such certificate claim")
    return claim


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


@role_required(ADMIN)
def claim_list(request: HttpRequest) -> HttpResponse:
    """The EPAO's claims, filtered by status and sorted, 25 a page."""
    claims, status, sort = _filtered(request)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        services.claims_for(_user(request))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return render(
        request,
        "claims/list.html",
        {
            "page_obj": page,
            "status": status,
            "sort": sort,
            "statuses": [(key, label, counts.get(key, 0)) for key, label in STATUS_LABELS.items()],
            "total": sum(counts.values()),
            "ready": counts.get("ready", 0),
            "missing": services.results_without_claim(_user(request)).count(),
            "batch": services.BATCH,
        },
    )


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


def _detail(
    request: HttpRequest,
    claim: CertificateClaim,
    move_form: MoveForm | None = None,
    refusals: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = list(ALLOWED_MOVES.get(claim.status, ()))
    if move_form is None:
        move_form = MoveForm(allowed=allowed, initial={"revision": claim.revision})
    problems = services.problems_of(claim) if claim.status in ("draft", "returned") else []
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "problems": problems,
            "history": claim.changes.select_related("changed_by").order_by("-changed_at", "-pk"),
            "move_form": move_form,
            "allowed": allowed,
            "editable": claim.status in EDITABLE,
            "refusals": refusals or [],
            "status_labels": STATUS_LABELS,
            "field_labels": FIELD_LABELS,
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
            allowed=list(ALLOWED_MOVES.get(claim.status, ())),
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


def _initial(claim: CertificateClaim) -> dict[str, Any]:
    values = {field: getattr(claim, field) for field in services.EDITABLE_FIELDS}
    values["revision"] = claim.revision
    return values


@role_required(ADMIN)
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a claim's details (not once it has been sent to the service)."""
    claim = _claim(request, pk)
    grades = services.grades_of(claim)
    refusal_message = ""
    if request.method == "POST":
        form = ClaimForm(request.POST, grades=grades.words, awarded_by=grades.awarded_by)
        if form.is_valid():
            data = dict(form.cleaned_data)
            revision = data.pop("revision")
            reason = data.pop("reason")
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
        form = ClaimForm(initial=_initial(claim), grades=grades.words, awarded_by=grades.awarded_by)
    return render(
        request,
        "claims/edit.html",
        {
            "claim": claim,
            "form": form,
            "editable": claim.status in EDITABLE,
            "changed_by_other": bool(refusal_message),
        },
    )


def _stream(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The ready claims streamed in batches (role_required types views as HttpResponse).

    Only ready claims go, whatever the list shows: a draft has not passed its checks.
    """
    claims = services.ready_claims(_user(request))
    name = "certificate-claims-ready"
    if kind == "json":
        response = StreamingHttpResponse(
            services.export_json(claims), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = StreamingHttpResponse(
            services.export_csv(claims), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@role_required(ADMIN)
def export_json(request: HttpRequest) -> HttpResponse:
    """The ready claims as the service's certificate requests (JSON)."""
    return _stream(request, "json")  # type: ignore[return-value]


@role_required(ADMIN)
def export_csv(request: HttpRequest) -> HttpResponse:
    """The ready claims as CSV, one row per claim."""
    return _stream(request, "csv")  # type: ignore[return-value]
