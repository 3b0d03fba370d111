"""The assessor's record of each method: judge every criterion, save drafts, submit.

The allocated assessor edits the draft of the current sitting; the registration's IQA and the
EPAO's admins read the latest record. The apprentice, the employer and the training provider
do not see records here (their results pages come after the result is released). What each
page shows is built in :mod:`openepa.assessment.record_page` and
:mod:`openepa.assessment.record_edit`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord
from openepa.assessment.record_edit import (
    autosave_answer,
    edit_context,
    needs_person,
    posted_of,
    revision_to_submit,
)
from openepa.assessment.record_page import Page, history_context, read_context, record_page_of
from openepa.assessment.records import open_or_read, open_record, save_draft
from openepa.assessment.refusals import RecordRefused
from openepa.assessment.submission import submit_record
from openepa.kernel.roles import role_required
from openepa.registration.access import Role, get_registration, registrations_for
from openepa.rules.errors import GradingInputError

READERS = (Role.ASSESSOR, Role.IQA, Role.EPAO_ADMIN)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- the record page ----------------------------------------------------------------------


def _refused_page(
    request: HttpRequest, page: Page, refusal: RecordRefused, status: int = 409
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"refused": refusal.message, "problems": refusal.problems}, status=status
        )
    return render(
        request,
        "assessment/refused.html",
        {
            "registration": page.registration,
            "apprentice": page.registration.apprentice,
            "method": page.method,
            "refusal": refusal,
        },
        status=status,
    )


@role_required(*READERS)
def record_page(request: HttpRequest, registration_pk: int, method_id: str) -> HttpResponse:
    """The record of one method: the allocated assessor keeps it, others read it.

    Once the assessor can no longer keep it (the result released), they still read it.
    """
    user = _user(request)
    registration = get_registration(user, registration_pk)
    page = record_page_of(registration, method_id)
    if user.role != Role.ASSESSOR or registration.assessor_id != user.pk:
        if request.method == "POST":
            raise PermissionDenied("Only the allocated assessor can change this record")
        latest = (
            AssessmentRecord.objects.filter(registration=registration, method_id=page.method.id)
            .select_related("sitting", "assessor", "submitted_by", "registration")
            .order_by("-sitting__number")
            .first()
        )
        return render(request, "assessment/record.html", read_context(page, latest, user))
    # A change needs the record of the current sitting; reading may show a released one.
    opener = open_record if request.method == "POST" else open_or_read
    try:
        record = opener(registration, page.method.id, user)
    except RecordRefused as refusal:
        return _refused_page(request, page, refusal)
    if request.method == "POST":
        return _post(request, page, record)
    if record.submitted:
        return render(request, "assessment/record.html", read_context(page, record, user))
    return render(request, "assessment/record.html", edit_context(page, record))


def _post(request: HttpRequest, page: Page, record: AssessmentRecord) -> HttpResponse:
    user = _user(request)
    posted = posted_of(request.POST, page, record)
    try:
        outcome = save_draft(record.pk, user, posted.fields, posted.judgements)
    except RecordRefused as refusal:
        return _refused_page(request, page, refusal)
    record = outcome.record
    record.registration = page.registration
    if _wants_json(request):
        fresh = _reload(record.pk, page)
        return JsonResponse(autosave_answer(page, fresh, posted, outcome))
    if request.POST.get("action") == "submit" and not needs_person(posted, outcome):
        revision = revision_to_submit(request.POST.get("revision", "0"), outcome)
        try:
            submit_record(record.pk, user, revision)
        except (RecordRefused, GradingInputError) as error:
            problem = (
                error
                if isinstance(error, RecordRefused)
                else RecordRefused(f"The grade cannot be worked out: {error}.")
            )
            fresh = _reload(record.pk, page)
            return render(
                request, "assessment/record.html", edit_context(page, fresh, refusal=problem)
            )
        messages.success(request, f"The {page.method.name} record was submitted and locked")
        return redirect(request.path)
    if needs_person(posted, outcome):
        fresh = _reload(record.pk, page)
        return render(
            request,
            "assessment/record.html",
            edit_context(page, fresh, posted=posted, outcome=outcome),
        )
    messages.success(request, "Your draft was saved")
    return redirect(request.path)


def _reload(record_pk: int, page: Page) -> AssessmentRecord:
    record = AssessmentRecord.objects.select_related("sitting").get(pk=record_pk)
    record.registration = page.registration
    return record


# --- history ------------------------------------------------------------------------------


@role_required(*READERS)
def history(request: HttpRequest, record_pk: int) -> HttpResponse:
    """Every change to a record: who, when, at which stage, old and new value, and why."""
    user = _user(request)
    record = (
        AssessmentRecord.objects.filter(registration__in=registrations_for(user))
        .select_related("registration", "registration__apprentice", "sitting", "assessor")
        .filter(pk=record_pk)
        .first()
    )
    if record is None:
        raise Http404("No such record")
    return render(request, "assessment/history.html", history_context(record))
