"""Pages of submissions, interviews and question banks.

A registration's project report, annexes and showcase evidence; the assessor's interview
questions and notes; the EPAO's interview question banks.

Each view fetches through :mod:`openepa.registration.access` (404 outside the user's scope),
checks the role or party (403 for someone who may look but not act), calls one service
function and renders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count as DbCount
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord
from openepa.kernel import specs
from openepa.kernel.roles import role_required
from openepa.registration.access import get_registration, party_of
from openepa.registration.models import Registration
from openepa.rules.identifiers import whole_number
from openepa.submissions import interviews, question_banks, uploads
from openepa.submissions.forms import (
    ChooseQuestionsForm,
    NotesForm,
    QuestionEditForm,
    QuestionForm,
    UploadForm,
)
from openepa.submissions.models import InterviewQuestion, Submission
from openepa.submissions.overview import method_views, upload_notice
from openepa.submissions.refusals import Changed, SubmissionRefused

Role = User.Role
VIEWERS = (
    Role.APPRENTICE,
    Role.PROVIDER,
    Role.EMPLOYER,
    Role.ASSESSOR,
    Role.IQA,
    Role.EPAO_ADMIN,
)
STATUSES = {"active": "Active", "retired": "Retired", "all": "All"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _refuse(form: Any, refusal: SubmissionRefused) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


# --- a registration's submissions -----------------------------------------------------


@role_required(*VIEWERS)
def overview(request: HttpRequest, registration_pk: int) -> HttpResponse:
    """Every method the apprentice submits for: the report and its count, annexes, elements."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    spec = specs.specification_of(registration)
    return render(
        request,
        "submissions/overview.html",
        {
            "registration": registration,
            "methods": method_views(registration, spec),
            "may_upload": uploads.may_upload(user, registration),
            "is_assessor": registration.assessor_id == user.pk,
            "interview": question_banks.interview_rule(spec),
            "checklists": {c.id: c for m in spec.methods for c in m.additional_checklists},
        },
    )


def _method_or_404(registration: Registration, method_id: str) -> Any:
    method = uploads.submission_method(specs.specification_of(registration), method_id)
    if method is None:
        raise Http404("This method takes no uploads")
    return method


@role_required(*VIEWERS)
def upload(request: HttpRequest, registration_pk: int, method_id: str) -> HttpResponse:
    """Upload the report, an annex or a showcase element's evidence (apprentice or provider)."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    method = _method_or_404(registration, method_id)
    if not uploads.may_upload(user, registration):
        raise PermissionDenied("Only the apprentice or their training provider upload files")
    spec = specs.specification_of(registration)
    kinds = uploads.kinds_for(method)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, method=method, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = uploads.submit_file(
                    registration,
                    user,
                    method_id=method.id,
                    kind=data["kind"],
                    upload=data["file"],
                    element_id=data.get("element") or "",
                )
            except SubmissionRefused as refusal:
                _refuse(form, refusal)
            else:
                failed, text = upload_notice(submission)
                (messages.error if failed else messages.success)(request, text)
                return redirect("submissions:overview", registration_pk=registration.pk)
    else:
        initial = {"kind": kinds[0][0]}
        if request.GET.get("element"):
            initial["element"] = request.GET["element"]
        if request.GET.get("kind") in dict(kinds):
            initial["kind"] = request.GET["kind"]
        form = UploadForm(initial=initial, method=method, kinds=kinds)
    return render(
        request,
        "submissions/upload.html",
        {
            "registration": registration,
            "method": method,
            "form": form,
            "state": uploads.upload_state(registration, spec, method),
            "rule": uploads.report_rule(spec) if method.id == uploads.REPORT_METHOD else None,
            "accept": ".pdf,.docx,.txt,.png,.jpg,.jpeg",
        },
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, registration_pk: int, submission_pk: int) -> HttpResponse:
    """Take back a file (it is kept, marked withdrawn)."""
    user = _user(request)
    registration = get_registration(user, registration_pk)
    submission = get_object_or_404(
        Submission.objects.select_related("file"), registration=registration, pk=submission_pk
    )
    submission.registration = registration
    if party_of(user, registration) not in uploads.UPLOADERS:
        raise PermissionDenied("Only the apprentice or their training provider withdraw files")
    try:
        uploads.withdraw(submission, user)
    except SubmissionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{submission.file.original_name} was withdrawn")
    return redirect("submissions:overview", registration_pk=registration.pk)


# --- the interview ---------------------------------------------------------------------


@role_required(Role.ASSESSOR)
def interview(request: HttpRequest, registration_pk: int, method_id: str) -> HttpResponse:
    """The allocated assessor chooses the interview's questions and records notes on each."""
    from openepa.assessment.records import open_record
    from openepa.assessment.refusals import RecordRefused

    user = _user(request)
    registration = get_registration(user, registration_pk)
    spec = specs.specification_of(registration)
    rule = question_banks.interview_rule(spec, method_id)
    if rule is None:
        raise Http404("This method has no interview")
    method = next(m for m in spec.methods if m.id == method_id)
    context: dict[str, Any] = {"registration": registration, "method": method, "rule": rule}
    try:
        record = open_record(registration, method_id, user)
    except RecordRefused as refusal:
        context["refusal"] = refusal.message
        return render(request, "submissions/interview.html", context)
    return _interview_page(request, record, context)


def _interview_page(
    request: HttpRequest, record: AssessmentRecord, context: dict[str, Any]
) -> HttpResponse:
    user = _user(request)
    _, active = interviews.interview_bank(record)
    questions = list(active)
    chosen = [item["question"] for item in record.interview]
    choose = ChooseQuestionsForm(
        initial={"revision": record.revision, "questions": chosen}, questions=questions
    )
    notes = NotesForm(initial={"revision": record.revision}, interview=record.interview)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "questions":
        choose = ChooseQuestionsForm(request.POST, questions=questions)
        if choose.is_valid():
            try:
                interviews.set_interview_questions(
                    record, user, choose.cleaned_data["questions"], choose.cleaned_data["revision"]
                )
            except SubmissionRefused as refusal:
                _refuse(choose, refusal)
                _carry_revision(choose, record, refusal)
            else:
                messages.success(request, "The interview questions were saved")
                return redirect(request.path)
    elif action == "notes":
        notes = NotesForm(request.POST, interview=record.interview)
        if notes.is_valid():
            try:
                interviews.save_interview_notes(
                    record, user, notes.notes(), notes.cleaned_data["revision"]
                )
            except SubmissionRefused as refusal:
                _refuse(notes, refusal)
                _carry_revision(notes, record, refusal)
            else:
                messages.success(request, "The interview notes were saved")
                return redirect(request.path)
    context.update(
        {
            "record": record,
            "choose": choose,
            "notes": notes,
            "questions": questions,
            "bank_empty": not questions,
        }
    )
    return render(request, "submissions/interview.html", context)


def _carry_revision(form: Any, record: AssessmentRecord, refusal: SubmissionRefused) -> None:
    """After someone else's save, keep what the user typed but carry the new revision."""
    if isinstance(refusal, Changed):
        record.refresh_from_db()
        _set_revision(form, record.revision)


def _set_revision(form: Any, revision: int) -> None:
    """Keep the user's input in a re-shown form, carrying the record's current revision."""
    data = form.data.copy()
    data["revision"] = str(revision)
    form.data = data


# --- the question banks ----------------------------------------------------------------


def _bank_key(spec_id: str, method_id: str) -> str:
    return f"{spec_id}:{method_id}"


@role_required(Role.EPAO_ADMIN)
def questions(request: HttpRequest) -> HttpResponse:
    """The EPAO's interview question banks, filtered by bank and status, paginated."""
    user = _user(request)
    banks = question_banks.banks()
    labels = {_bank_key(s, m): label for s, m, label in banks}
    bank = request.GET.get("bank", "")
    status = request.GET.get("status", "active")
    if status not in STATUSES:
        status = "active"
    found = InterviewQuestion.objects.filter(epao_id=user.epao_id).select_related(
        "created_by", "retired_by"
    )
    if bank in labels:
        spec_id, method_id = bank.split(":", 1)
        found = found.filter(spec_id=spec_id, method_id=method_id)
    else:
        bank = ""
    if status != "all":
        found = found.filter(active=status == "active")
    found = found.annotate(edits=DbCount("changes", filter=~Q(changes__field="active")))
    found = found.order_by("spec_id", "method_id", "number")
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    for question in page:
        question.bank_label = labels.get(  # type: ignore[attr-defined]
            _bank_key(question.spec_id, question.method_id), question.spec_id
        )
    return render(
        request,
        "submissions/questions.html",
        {
            "page_obj": page,
            "banks": banks,
            "bank": bank,
            "status": status,
            "statuses": STATUSES,
            "bank_keys": [(_bank_key(s, m), label) for s, m, label in banks],
        },
    )


@role_required(Role.EPAO_ADMIN)
def question_add(request: HttpRequest) -> HttpResponse:
    """Add a question to a bank."""
    user = _user(request)
    choices = [(_bank_key(s, m), label) for s, m, label in question_banks.banks()]
    if request.method == "POST":
        form = QuestionForm(request.POST, banks=choices)
        if form.is_valid():
            data = form.cleaned_data
            spec_id, method_id = data["bank"].split(":", 1)
            try:
                question = question_banks.add_question(
                    user.epao,
                    user,
                    spec_id=spec_id,
                    method_id=method_id,
                    text=data["text"],
                    criteria=data["criteria"],
                    source=data["source"],
                )
            except SubmissionRefused as refusal:
                _refuse(form, refusal)
            else:
                messages.success(request, f"Question {question.number} was added")
                return redirect(f"{_questions_url()}?bank={data['bank']}")
    else:
        form = QuestionForm(initial={"bank": request.GET.get("bank", "")}, banks=choices)
    return render(request, "submissions/question_form.html", {"form": form, "question": None})


def _questions_url() -> str:
    from django.urls import reverse

    return reverse("submissions:questions")


def _question(request: HttpRequest, pk: int) -> InterviewQuestion:
    return get_object_or_404(
        InterviewQuestion.objects.select_related("created_by", "retired_by"),
        epao_id=_user(request).epao_id,
        pk=pk,
    )


@role_required(Role.EPAO_ADMIN)
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a question's wording, criteria or source; the page shows its history."""
    user = _user(request)
    question = _question(request, pk)
    if request.method == "POST":
        form = QuestionEditForm(request.POST)
        if form.is_valid() and question.active:
            data = form.cleaned_data
            try:
                question_banks.edit_question(
                    question,
                    user,
                    text=data["text"],
                    criteria=data["criteria"],
                    source=data["source"],
                    revision=data["revision"],
                )
            except SubmissionRefused as refusal:
                _refuse(form, refusal)
                if isinstance(refusal, Changed):
                    question.refresh_from_db()
                    _set_revision(form, question.revision)
            else:
                messages.success(request, f"Question {question.number} was changed")
                return redirect(
                    f"{_questions_url()}?bank={_bank_key(question.spec_id, question.method_id)}"
                )
    else:
        form = QuestionEditForm(
            initial={
                "text": question.text,
                "criteria": ", ".join(question.criteria),
                "source": question.source,
                "revision": question.revision,
            }
        )
    changes = list(question.changes.select_related("changed_by").order_by("-changed_at", "-id"))
    return render(
        request,
        "submissions/question_form.html",
        {"form": form, "question": question, "changes": changes},
    )


@role_required(Role.EPAO_ADMIN)
def question_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm and retire a question: it stays in past interviews but can no longer be chosen."""
    user = _user(request)
    question = _question(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        revision = whole_number(request.POST.get("revision", ""))
        if revision is None:
            errors.append("This page is out of date: reload it and try again")
        else:
            try:
                question_banks.retire_question(question, user, revision=revision)
            except SubmissionRefused as refusal:
                errors.append(refusal.message)
                question.refresh_from_db()
            else:
                messages.success(request, f"Question {question.number} was retired")
                return redirect(
                    f"{_questions_url()}?bank={_bank_key(question.spec_id, question.method_id)}"
                )
    return render(
        request, "submissions/question_retire.html", {"question": question, "errors": errors}
    )


@require_POST
@role_required(Role.EPAO_ADMIN)
def question_seed(request: HttpRequest) -> HttpResponse:
    """Add the specifications' own questions to the EPAO's banks."""
    user = _user(request)
    added = question_banks.seed_question_banks(user.epao, user)
    if added:
        messages.success(
            request, f"{added} question{'s' if added != 1 else ''} from the specifications added"
        )
    else:
        messages.info(request, "Every question the specifications give is already in the banks")
    return redirect("submissions:questions")
