"""Submitting the project report, annexes and showcase evidence; interview question banks.

Who uploads: the apprentice, or their training provider on the apprentice's behalf (many
apprentices send their work through the provider; the provider already submits gateway
evidence). Each submission records who sent it. The employer, the assessor, the IQA and the
EPAO see the submissions but do not upload.

The project report's words are counted when it is uploaded (annexes are a separate upload and
are not counted) and set against the specification's length and marking stop
(:func:`openepa.rules.words.assess_report_length`); a report whose text cannot be read is
refused. When a later report is accepted the earlier one is marked superseded; nothing is
deleted. The rules on reports after a result are in :mod:`openepa.rules.submissions`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from openepa.accounts.models import Organisation, User
from openepa.assessment.models import AssessmentRecord, RecordChange, Sitting
from openepa.audit.services import record_event
from openepa.files.services import path_of, store_upload
from openepa.files.text import TextUnreadable, extract_stored_text
from openepa.kernel import clock, specs
from openepa.kernel.uploads import ALL_KINDS, DOCUMENT_KINDS, UploadRefused
from openepa.registration.access import party_of
from openepa.registration.models import Registration
from openepa.results.models import Result
from openepa.rules.labels import method_name
from openepa.rules.model import Count, Element, Method, Report, Specification
from openepa.rules.submissions import (
    ProjectOutcome,
    interview_count_refusal,
    report_refusal,
    rework_deadline,
)
from openepa.rules.words import assess_report_length
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import rules_for
from openepa.submissions.models import InterviewQuestion, QuestionChange, Submission

REPORT_METHOD = "project"
SHOWCASE_METHOD = "showcase"
UPLOADERS = ("apprentice", "provider")
Kind = Submission.Kind


class SubmissionRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """Something the user asked for is not allowed; ``message`` says why and what to do."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Changed(SubmissionRefused):
    """Someone else changed the record or question since the page was loaded."""


# --- what a registration submits ------------------------------------------------------


def report_rule(spec: Specification) -> Report | None:
    """The project report's length rule, when the specification has a project report."""
    if spec.evidence.project_report is None:
        return None
    if not any(method.id == REPORT_METHOD for method in spec.methods):
        return None
    return spec.evidence.project_report


def submission_methods(spec: Specification) -> list[Method]:
    """The methods the apprentice submits files for: the project and the showcase."""
    wanted = {SHOWCASE_METHOD}
    if report_rule(spec) is not None:
        wanted.add(REPORT_METHOD)
    return [method for method in spec.methods if method.id in wanted]


def submission_method(spec: Specification, method_id: str) -> Method | None:
    """One method the apprentice submits files for, or None."""
    return next((m for m in submission_methods(spec) if m.id == method_id), None)


def may_upload(user: User, registration: Registration) -> bool:
    """The apprentice, or their training provider on their behalf."""
    return party_of(user, registration) in UPLOADERS


def latest_sitting(registration: Registration, method_id: str) -> Sitting | None:
    """The latest sitting of the registration that assesses ``method_id``."""
    for sitting in Sitting.objects.filter(registration=registration).order_by("-number"):
        if method_id in (sitting.methods or []):
            return sitting
    return None


def method_outcome(registration: Registration, method_id: str) -> ProjectOutcome | None:
    """The latest released result's grade for ``method_id``, with when and which sitting."""
    results = Result.objects.filter(registration=registration).select_related("sitting")
    for result in results.order_by("-released_at", "-id"):
        for entry in result.methods or []:
            if entry.get("id") == method_id:
                return ProjectOutcome(
                    grade=str(entry.get("grade", "")),
                    released_on=timezone.localdate(result.released_at),
                    sitting_number=result.sitting.number,
                )
    return None


@dataclasses.dataclass(frozen=True)
class UploadState:
    """Whether files can be uploaded for a method now and, if so, whether it is a rework."""

    refusal: str | None
    sitting: Sitting | None
    rework: bool
    rework_by: Any = None


def upload_state(registration: Registration, spec: Specification, method: Method) -> UploadState:
    """Whether the apprentice may upload for ``method`` today, and for which sitting."""
    sitting = latest_sitting(registration, method.id)
    outcome = method_outcome(registration, method.id)
    rework = spec.reassessment.project_rework if method.id == REPORT_METHOD else None
    if outcome is not None:
        later_sitting = sitting is not None and sitting.number > outcome.sitting_number
        later = sitting.kind if later_sitting and sitting is not None else None
        refusal = report_refusal(
            outcome=outcome,
            rework=rework,
            later_sitting_kind=later,
            today=clock.today(),
            what="report" if method.id == REPORT_METHOD else method.name.lower(),
        )
        is_rework = refusal is None and outcome.grade == "fail" and later is None
        deadline = rework_deadline(rework, outcome.released_on) if is_rework and rework else None
        return UploadState(refusal, sitting, is_rework, deadline)
    if sitting is not None:
        record = AssessmentRecord.objects.filter(sitting=sitting, method_id=method.id).first()
        if record is not None and record.submitted:
            return UploadState(
                f"The assessor has submitted the record of the {method.name.lower()}: nothing "
                "more can be uploaded for it until the result is released.",
                sitting,
                False,
            )
    return UploadState(None, sitting, False)


def kinds_for(method: Method) -> list[tuple[str, str]]:
    """What can be uploaded for ``method``: report and annex, or showcase evidence."""
    if method.id == REPORT_METHOD:
        return [(Kind.REPORT, "The project report"), (Kind.ANNEX, "An annex to the report")]
    if method.elements:
        return [(Kind.ELEMENT, "Evidence for one element of the showcase")]
    return [(Kind.SHOWCASE, "The showcase")]


def _element(method: Method, element_id: str) -> Element | None:
    return next((e for e in method.elements if e.id == element_id), None)


@transaction.atomic
def submit_file(
    registration: Registration,
    user: User,
    *,
    method_id: str,
    kind: str,
    upload: UploadedFile[bytes],
    element_id: str = "",
) -> Submission:
    """Store one upload for a method; a report is counted and replaces the earlier report.

    Refused (with :class:`SubmissionRefused`) for someone other than the apprentice or their
    provider, a method that takes no uploads, a wrong kind or element, a file of the wrong
    type, a report whose text cannot be read, or when :func:`upload_state` refuses.
    """
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    if not may_upload(user, registration):
        raise SubmissionRefused("Only the apprentice or their training provider upload files")
    spec = specs.specification_of(registration)
    method = submission_method(spec, method_id)
    if method is None:
        raise SubmissionRefused("This method takes no uploads")
    if kind not in dict(kinds_for(method)):
        raise SubmissionRefused(f"Choose what you are uploading for the {method.name}", "kind")
    element: Element | None = None
    if kind == Kind.ELEMENT:
        element = _element(method, element_id)
        if element is None:
            raise SubmissionRefused("Choose the element of the showcase", "element")
    state = upload_state(registration, spec, method)
    if state.refusal:
        raise SubmissionRefused(state.refusal)
    allowed = DOCUMENT_KINDS if kind == Kind.REPORT else ALL_KINDS
    try:
        stored = store_upload(upload, registration=registration, user=user, allowed=allowed)
    except UploadRefused as refusal:
        raise SubmissionRefused(str(refusal), "file") from None
    words = None
    length: dict[str, Any] = {}
    if kind == Kind.REPORT:
        rule = report_rule(spec)
        assert rule is not None
        try:
            text = extract_stored_text(stored)
        except TextUnreadable as error:
            path_of(stored).unlink(missing_ok=True)
            transaction.set_rollback(True)
            raise SubmissionRefused(str(error), "file") from None
        assessed = assess_report_length(text, rule)
        words = assessed.words
        length = dataclasses.asdict(assessed)
    submission = Submission.objects.create(
        registration=registration,
        sitting=state.sitting,
        method_id=method.id,
        element_id=element.id if element else "",
        kind=kind,
        file=stored,
        words=words,
        length=length,
        rework=state.rework and kind == Kind.REPORT,
        submitted_by=user,
    )
    superseded: list[int] = []
    if kind == Kind.REPORT:
        earlier = Submission.objects.filter(
            registration=registration,
            method_id=method.id,
            kind=Kind.REPORT,
            superseded_by__isnull=True,
            withdrawn=False,
        ).exclude(pk=submission.pk)
        superseded = list(earlier.values_list("pk", flat=True))
        earlier.update(superseded_by=submission)
    what = element.name if element else dict(kinds_for(method))[kind]
    summary = f"Uploaded {what.lower()} for the {method.name}: {stored.original_name}"
    if words is not None:
        summary += f" ({words:,} words)"
    record_event(
        actor=user,
        epao=registration.epao,
        action="submissions.uploaded",
        obj=submission,
        registration=registration,
        summary=summary,
        changes={"superseded": (None, superseded)} if superseded else None,
    )
    return submission


@transaction.atomic
def withdraw(submission: Submission, user: User) -> None:
    """Take back a current file (kept, marked withdrawn with who and when)."""
    registration = submission.registration
    if not may_upload(user, registration):
        raise SubmissionRefused("Only the apprentice or their training provider withdraw files")
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not locked.current:
        raise SubmissionRefused("This file has already been replaced or withdrawn")
    method = submission_method(specs.specification_of(registration), locked.method_id)
    if method is not None:
        state = upload_state(registration, specs.specification_of(registration), method)
        if state.refusal:
            raise SubmissionRefused(state.refusal)
    locked.withdrawn = True
    locked.withdrawn_by = user
    locked.withdrawn_at = clock.now()
    locked.save(update_fields=["withdrawn", "withdrawn_by", "withdrawn_at"])
    submission.withdrawn = True
    record_event(
        actor=user,
        epao=registration.epao,
        action="submissions.withdrawn",
        obj=locked,
        registration=registration,
        summary=f"Withdrew {locked.get_kind_display().lower()} {locked.file.original_name}",
        changes={"withdrawn": (False, True)},
    )


def submissions_of(registration: Registration) -> list[Submission]:
    """Every submission of a registration, newest first, with what the page shows."""
    return list(
        Submission.objects.filter(registration=registration)
        .select_related("file", "submitted_by", "withdrawn_by", "sitting")
        .order_by("method_id", "-submitted_at", "-id")
    )


@dataclasses.dataclass
class ElementRow:
    """One element of a showcase (or the whole showcase) and its files."""

    id: str
    name: str
    files: list[Submission]
    element: Element | None = None

    @property
    def submitted(self) -> bool:
        return bool(self.files)


@dataclasses.dataclass
class MethodView:
    """What the submissions page shows of one method."""

    method: Method
    state: UploadState
    report: Submission | None = None
    annexes: list[Submission] = dataclasses.field(default_factory=list)
    elements: list[ElementRow] = dataclasses.field(default_factory=list)
    history: list[Submission] = dataclasses.field(default_factory=list)
    rule: Report | None = None


def method_views(registration: Registration, spec: Specification) -> list[MethodView]:
    """Each method the apprentice submits for, with its current files and history."""
    everything = submissions_of(registration)
    views = []
    for method in submission_methods(spec):
        mine = [s for s in everything if s.method_id == method.id]
        current = [s for s in mine if s.current]
        view = MethodView(method=method, state=upload_state(registration, spec, method))
        view.history = [s for s in mine if not s.current]
        if method.id == REPORT_METHOD:
            view.rule = report_rule(spec)
            view.report = next((s for s in current if s.kind == Kind.REPORT), None)
            view.annexes = [s for s in current if s.kind == Kind.ANNEX]
        elif method.elements:
            view.elements = [
                ElementRow(e.id, e.name, [s for s in current if s.element_id == e.id], e)
                for e in method.elements
            ]
        else:
            view.elements = [
                ElementRow("", method.name, [s for s in current if s.kind == Kind.SHOWCASE])
            ]
        views.append(view)
    return views


# --- interview question banks ---------------------------------------------------------


def current_specs() -> list[Specification]:
    """The current specifications, parsed."""
    records = SpecificationRecord.objects.filter(is_current=True).order_by("spec_id")
    return [rules_for(record)[0] for record in records]


def spec_by_id(spec_id: str) -> Specification | None:
    """The current specification with this id, or None."""
    record = SpecificationRecord.objects.filter(spec_id=spec_id, is_current=True).first()
    return rules_for(record)[0] if record else None


def interview_rule(spec: Specification, method_id: str | None = None) -> Count | None:
    """The specification's count of interview questions (for ``method_id``, if given)."""
    rule = spec.evidence.interview_questions
    if rule is None or (method_id is not None and rule.method != method_id):
        return None
    return rule


def banks() -> list[tuple[str, str, str]]:
    """Each (spec id, method id, label) that has an interview question bank."""
    found = []
    for spec in current_specs():
        rule = interview_rule(spec)
        if rule is None:
            continue
        method = next((m for m in spec.methods if m.id == rule.method), None)
        name = method.name if method else rule.method
        found.append((spec.id, rule.method, f"{spec.title} ({spec.epao.name}): {name}"))
    return found


def bank_questions(
    epao: Organisation, spec_id: str, method_id: str, *, active_only: bool = False
) -> QuerySet[InterviewQuestion]:
    """The questions of one bank, in number order."""
    questions = InterviewQuestion.objects.filter(epao=epao, spec_id=spec_id, method_id=method_id)
    if active_only:
        questions = questions.filter(active=True)
    return questions.order_by("number")


def _next_number(epao: Organisation, spec_id: str, method_id: str) -> int:
    top = InterviewQuestion.objects.filter(
        epao=epao, spec_id=spec_id, method_id=method_id
    ).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def criteria_refusal(spec: Specification, method_id: str, criteria: Iterable[str]) -> str | None:
    """Why some criterion ids are not the method's criteria, or None."""
    method = next((m for m in spec.methods if m.id == method_id), None)
    known = {c.id for c in method.criteria} if method else set()
    unknown = [c for c in criteria if c not in known]
    if not unknown:
        return None
    return (
        f"{', '.join(unknown)} {'is not a criterion' if len(unknown) == 1 else 'are not criteria'}"
        f" of the {method.name if method else method_id}: use ids such as "
        f"{', '.join(sorted(known)[:3])}"
    )


def _bank_name(question: InterviewQuestion) -> str:
    return method_name(spec_by_id(question.spec_id), question.method_id)


def _record_method_name(record: AssessmentRecord) -> str:
    return method_name(specs.specification_of(record.registration), record.method_id)


def _bank_spec(spec_id: str, method_id: str) -> Specification:
    spec = spec_by_id(spec_id)
    if spec is None or interview_rule(spec, method_id) is None:
        raise SubmissionRefused("Choose a specification and method with an interview", "bank")
    return spec


@transaction.atomic
def add_question(
    epao: Organisation,
    user: User,
    *,
    spec_id: str,
    method_id: str,
    text: str,
    criteria: list[str],
    source: str = "",
) -> InterviewQuestion:
    """Add a question to the end of a bank."""
    spec = _bank_spec(spec_id, method_id)
    problem = criteria_refusal(spec, method_id, criteria)
    if problem:
        raise SubmissionRefused(problem, "criteria")
    InterviewQuestion.objects.select_for_update().filter(epao=epao, spec_id=spec_id).exists()
    question = InterviewQuestion.objects.create(
        epao=epao,
        spec_id=spec_id,
        method_id=method_id,
        number=_next_number(epao, spec_id, method_id),
        text=text.strip(),
        criteria=criteria,
        source=source.strip(),
        created_by=user,
    )
    record_event(
        actor=user,
        epao=epao,
        action="submissions.question_added",
        obj=question,
        summary=f"Added question {question.number} to the {spec_id} bank of the "
        f"{method_name(spec, method_id)}",
    )
    return question


def _lock_question(question: InterviewQuestion, revision: int) -> InterviewQuestion:
    locked = InterviewQuestion.objects.select_for_update().get(pk=question.pk)
    if locked.revision != revision:
        raise Changed(
            f"Someone else changed question {locked.number} while you were editing it: check "
            "its current wording below and make your change again"
        )
    return locked


@transaction.atomic
def edit_question(
    question: InterviewQuestion,
    user: User,
    *,
    text: str,
    criteria: list[str],
    source: str,
    revision: int,
) -> InterviewQuestion:
    """Change a question's text, criteria or source, keeping the old values in change rows."""
    locked = _lock_question(question, revision)
    if not locked.active:
        raise SubmissionRefused("This question has been retired: add a new question instead")
    spec = _bank_spec(locked.spec_id, locked.method_id)
    problem = criteria_refusal(spec, locked.method_id, criteria)
    if problem:
        raise SubmissionRefused(problem, "criteria")
    new = {"text": text.strip(), "criteria": criteria, "source": source.strip()}
    changes = {f: (getattr(locked, f), v) for f, v in new.items() if getattr(locked, f) != v}
    if not changes:
        return locked
    locked.revision += 1
    for field, (old, value) in changes.items():
        setattr(locked, field, value)
        QuestionChange.objects.create(
            question=locked,
            field=field,
            old=old,
            new=value,
            changed_by=user,
            revision=locked.revision,
        )
    locked.save(update_fields=[*changes, "revision"])
    record_event(
        actor=user,
        epao=locked.epao,
        action="submissions.question_edited",
        obj=locked,
        summary=f"Edited question {locked.number} of the {locked.spec_id} bank of the "
        f"{_bank_name(locked)}",
        changes=changes,
    )
    return locked


@transaction.atomic
def retire_question(question: InterviewQuestion, user: User, *, revision: int) -> None:
    """Retire a question: it stays in the bank and in past interviews but cannot be chosen."""
    locked = _lock_question(question, revision)
    if not locked.active:
        raise SubmissionRefused("This question has already been retired")
    locked.active = False
    locked.retired_by = user
    locked.retired_at = clock.now()
    locked.revision += 1
    locked.save(update_fields=["active", "retired_by", "retired_at", "revision"])
    QuestionChange.objects.create(
        question=locked,
        field="active",
        old=True,
        new=False,
        changed_by=user,
        revision=locked.revision,
    )
    record_event(
        actor=user,
        epao=locked.epao,
        action="submissions.question_retired",
        obj=locked,
        summary=f"Retired question {locked.number} of the {locked.spec_id} bank of the "
        f"{_bank_name(locked)}",
        changes={"active": (True, False)},
    )


@transaction.atomic
def seed_question_banks(epao: Organisation, user: User | None = None) -> int:
    """Add each specification's own questions for its interview method to the EPAO's banks.

    Only the questions the specification prints for that method (Highfield's examples for a
    mock interview) are added, each marked with its source; a question already seeded is not
    added again. Returns how many were added.
    """
    added = 0
    for spec in current_specs():
        rule = interview_rule(spec)
        if rule is None:
            continue
        existing = set(
            InterviewQuestion.objects.filter(
                epao=epao, spec_id=spec.id, method_id=rule.method
            ).values_list("seed_key", flat=True)
        )
        number = _next_number(epao, spec.id, rule.method)
        for bank in spec.question_banks:
            if bank.method != rule.method:
                continue
            use = {"examples": "example question", "set": "set question", "bank": "question"}
            for item in bank.questions:
                key = f"{spec.id}/{bank.id}/{item.number}"
                if key in existing:
                    continue
                source = (
                    f"{spec.epao.name}, {bank.name}, {use[bank.use]} {item.number} "
                    f"({bank.source.place})"
                )
                question = InterviewQuestion.objects.create(
                    epao=epao,
                    spec_id=spec.id,
                    method_id=rule.method,
                    number=number,
                    text=item.text,
                    criteria=list(item.criteria),
                    source=source,
                    seed_key=key,
                    created_by=user,
                )
                record_event(
                    actor=user,
                    epao=epao,
                    action="submissions.question_seeded",
                    obj=question,
                    summary=f"Added {spec.id} question {number} from the specification",
                )
                number += 1
                added += 1
    return added


# --- the interview ---------------------------------------------------------------------


def _lock_record(record: AssessmentRecord, user: User, revision: int) -> AssessmentRecord:
    locked = (
        AssessmentRecord.objects.select_for_update()
        .select_related("registration", "registration__specification")
        .get(pk=record.pk)
    )
    if locked.registration.assessor_id != user.pk or locked.assessor_id != user.pk:
        raise SubmissionRefused("Only the apprentice's allocated assessor records the interview")
    if locked.submitted:
        raise SubmissionRefused(
            "The record has been submitted: the interview can no longer be changed here"
        )
    if locked.revision != revision:
        raise Changed(
            "Someone else saved this record while you were working on it: check the questions "
            "and notes below, then save again"
        )
    return locked


def _save_interview(
    record: AssessmentRecord, user: User, new: list[dict[str, Any]], summary: str
) -> AssessmentRecord:
    old = record.interview
    record.interview = new
    record.revision += 1
    record.updated_by = user
    record.updated_at = clock.now()
    record.save(update_fields=["interview", "revision", "updated_by", "updated_at"])
    RecordChange.objects.create(
        record=record,
        field="interview",
        old=old,
        new=new,
        stage=RecordChange.Stage.DRAFT,
        changed_by=user,
        revision=record.revision,
    )
    record_event(
        actor=user,
        epao=record.registration.epao,
        action="submissions.interview_saved",
        obj=record,
        registration=record.registration,
        summary=summary,
        changes={"interview": (old, new)},
    )
    return record


def interview_bank(record: AssessmentRecord) -> tuple[Count, QuerySet[InterviewQuestion]]:
    """The count rule and the active questions an assessor may choose for ``record``."""
    registration = record.registration
    spec = specs.specification_of(registration)
    rule = interview_rule(spec, record.method_id)
    if rule is None:
        raise SubmissionRefused("This method has no interview questions")
    questions = bank_questions(registration.epao, spec.id, record.method_id, active_only=True)
    return rule, questions


@transaction.atomic
def set_interview_questions(
    record: AssessmentRecord, user: User, question_ids: Iterable[int], revision: int
) -> AssessmentRecord:
    """Choose the interview's questions: exactly the specification's count, all active.

    The record keeps a snapshot of each question's number and text (so a later edit of the
    bank does not change what was asked), and the notes of questions kept from before.
    """
    locked = _lock_record(record, user, revision)
    rule, active = interview_bank(locked)
    chosen = list(dict.fromkeys(int(pk) for pk in question_ids))
    problem = interview_count_refusal(len(chosen), rule)
    if problem:
        raise SubmissionRefused(problem, "questions")
    found = {q.pk: q for q in active.filter(pk__in=chosen)}
    missing = [pk for pk in chosen if pk not in found]
    if missing:
        numbers = InterviewQuestion.objects.filter(pk__in=missing).values_list("number", flat=True)
        listed = ", ".join(str(n) for n in sorted(numbers)) or "chosen"
        raise SubmissionRefused(
            f"Question {listed} has been retired or is not in this bank: choose "
            f"{rule.count} active questions from the list",
            "questions",
        )
    notes = {item.get("question"): item.get("notes", "") for item in locked.interview}
    new = [
        {"question": q.pk, "number": q.number, "text": q.text, "notes": notes.get(q.pk, "")}
        for q in sorted(found.values(), key=lambda q: q.number)
    ]
    return _save_interview(
        locked,
        user,
        new,
        f"Chose {len(new)} interview questions for the {_record_method_name(locked)}",
    )


@transaction.atomic
def save_interview_notes(
    record: AssessmentRecord, user: User, notes: dict[int, str], revision: int
) -> AssessmentRecord:
    """Record the assessor's notes on each chosen question."""
    locked = _lock_record(record, user, revision)
    if not locked.interview:
        raise SubmissionRefused("Choose the interview questions before writing notes")
    chosen = {item["question"] for item in locked.interview}
    stray = [pk for pk in notes if pk not in chosen]
    if stray:
        raise SubmissionRefused("Notes can only be written for the questions chosen")
    new = [
        {**item, "notes": notes.get(item["question"], item.get("notes", "")).strip()}
        for item in locked.interview
    ]
    if new == locked.interview:
        return locked
    return _save_interview(
        locked, user, new, f"Saved interview notes for the {_record_method_name(locked)}"
    )
