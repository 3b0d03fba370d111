"""Appeal pages: lodge and withdraw (parties), list and assign (EPAO admin), decide (reviewer)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from openepa.accounts.models import User
from openepa.kernel.roles import role_required
from openepa.registration.access import Role, get_registration, party_of
from openepa.results.appeal_reviewers import appealed_records, reviewer_candidates
from openepa.results.appeals import (
    PARTIES,
    AppealRefused,
    appeal_ends_on,
    appeals_for,
    appeals_of,
    appeals_to_review,
    assign_reviewer,
    closed_appeal,
    closed_in_words,
    decide_appeal,
    latest_result,
    lodge_appeal,
    withdraw_appeal,
)
from openepa.results.forms_appeals import (
    AppealFilterForm,
    AssignReviewerForm,
    DecideAppealForm,
    LodgeAppealForm,
    WithdrawAppealForm,
)
from openepa.results.models import Appeal
from openepa.results.reassessment import result_history

PAGE_SIZE = 25


@role_required(Role.APPRENTICE, Role.EMPLOYER, Role.PROVIDER)
def lodge(request: HttpRequest, pk: int) -> HttpResponse:
    """A party lodges an appeal against the latest result, and sees the appeals lodged."""
    user: User = request.user  # type: ignore[assignment]
    registration = get_registration(user, pk)
    if party_of(user, registration) not in PARTIES:
        raise Http404("No such apprentice")
    result = latest_result(registration)
    closed = closed_appeal(result) if result else None
    methods = [(m["id"], m["name"]) for m in result.methods] if result else []
    form = LodgeAppealForm(request.POST or None, methods=methods)
    if request.method == "POST" and result is not None and form.is_valid():
        try:
            lodge_appeal(
                registration,
                user,
                grounds=form.cleaned_data["grounds"],
                methods=form.cleaned_data["methods"],
            )
        except AppealRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(
                request, "Your appeal has been lodged. The EPAO will assign a reviewer."
            )
            return redirect("results:appeal_lodge", pk=registration.pk)
    return render(
        request,
        "results/appeal_lodge.html",
        {
            "registration": registration,
            "result": result,
            "ends_on": appeal_ends_on(result) if result else None,
            "closed": closed,
            "closed_words": closed_in_words(closed) if closed else "",
            "appeals": appeals_of(registration),
            "form": form,
        },
    )


@role_required(Role.APPRENTICE, Role.EMPLOYER, Role.PROVIDER)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Whoever lodged the appeal withdraws it, saying why, before it is decided."""
    user: User = request.user  # type: ignore[assignment]
    appeal = _appeal_in_scope(user, pk)
    if appeal.lodged_by_id != user.pk:
        raise PermissionDenied("Only the person who lodged the appeal can withdraw it")
    form = WithdrawAppealForm(request.POST or None, initial={"revision": appeal.revision})
    if request.method == "POST" and appeal.status in Appeal.OPEN and form.is_valid():
        try:
            withdraw_appeal(
                appeal,
                user,
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
            )
        except AppealRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, "Your appeal has been withdrawn. The EPAO has been told.")
            return redirect("results:appeal_lodge", pk=appeal.registration_id)
    return render(request, "results/appeal_withdraw.html", {"appeal": appeal, "form": form})


@role_required(Role.EPAO_ADMIN)
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Every appeal of the EPAO, filtered by status in the database, paginated."""
    user: User = request.user  # type: ignore[assignment]
    filters = AppealFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(appeals_for(user, status or None), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "results/appeal_list.html",
        {"filters": filters, "page_obj": page, "appeals": page.object_list},
    )


def _appeal_in_scope(user: User, pk: int) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "registration__apprentice", "result", "reviewer", "lodged_by", "decided_by"
        ),
        pk=pk,
    )
    get_registration(user, appeal.registration_id)
    return appeal


@role_required(Role.EPAO_ADMIN)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """An EPAO admin assigns the reviewer, seeing who may not review and why."""
    user: User = request.user  # type: ignore[assignment]
    appeal = _appeal_in_scope(user, pk)
    candidates = reviewer_candidates(appeal)
    eligible = [c.person for c in candidates if not c.problems]
    form = AssignReviewerForm(
        request.POST or None, people=eligible, initial={"revision": appeal.revision}
    )
    if request.method == "POST" and form.is_valid():
        reviewer = next(p for p in eligible if str(p.pk) == form.cleaned_data["reviewer"])
        try:
            assign_reviewer(appeal, user, reviewer, revision=form.cleaned_data["revision"])
        except AppealRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, f"{reviewer.full_name} will review the appeal.")
            return redirect("results:appeals")
    return render(
        request,
        "results/appeal_assign.html",
        {"appeal": appeal, "candidates": candidates, "form": form},
    )


@role_required(Role.ASSESSOR, Role.IQA)
def my_appeals(request: HttpRequest) -> HttpResponse:
    """The appeals assigned to the signed-in assessor or IQA."""
    user: User = request.user  # type: ignore[assignment]
    page = Paginator(appeals_to_review(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "results/appeal_my.html", {"page_obj": page, "appeals": page.object_list}
    )


@role_required(Role.ASSESSOR, Role.IQA)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The assigned reviewer decides the appeal and may amend the appealed judgements."""
    user: User = request.user  # type: ignore[assignment]
    appeal = _appeal_in_scope(user, pk)
    if appeal.reviewer_id != user.pk:
        raise Http404("No such appeal")
    records = appealed_records(appeal)
    form = DecideAppealForm(
        request.POST or None, records=records, initial={"revision": appeal.revision}
    )
    if request.method == "POST" and appeal.status == Appeal.Status.UNDER_REVIEW and form.is_valid():
        try:
            decide_appeal(
                appeal,
                user,
                upheld=form.cleaned_data["upheld"] == "yes",
                reason=form.cleaned_data["reason"],
                revision=form.cleaned_data["revision"],
                amendments=form.amendments(),
            )
        except AppealRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, "Your decision has been recorded.")
            return redirect("results:my_appeals")
    return render(
        request,
        "results/appeal_decide.html",
        {
            "appeal": appeal,
            "form": form,
            "history": result_history(appeal.result),
        },
    )
