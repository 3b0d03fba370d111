"""Submitting the project report, annexes and showcase evidence, and when it may be done.

Who uploads: the apprentice, or their training provider on the apprentice's behalf (many
apprentices send their work through the provider; the provider already submits gateway
evidence). Each submission records who sent it. The employer, the assessor, the IQA and the
EPAO see the submissions but do not upload.

The project report's words are counted when it is uploaded (annexes are a separate upload and
are not counted) and set against the specification's length and marking stop
(:func:`openepa.rules.words.assess_report_length`); a report whose text cannot be read is
refused. When a later report is accepted the earlier one is marked superseded; nothing is
deleted. Uploads close when the assessor submits the method's record; the rules on reports
after a result (the rework window after a fail) are in :mod:`openepa.rules.submissions`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.audit.services import record_event
from openepa.files.services import path_of, store_upload
from openepa.files.text import TextUnreadable, extract_stored_text
from openepa.kernel import clock, specs
from openepa.kernel.uploads import ALL_KINDS, DOCUMENT_KINDS, UploadRefused
from openepa.registration.access import party_of
from openepa.registration.lifecycle import work_problem
from openepa.registration.models import Registration
from openepa.results.models import Result
from openepa.rules.model import Element, Method, Report, Specification
from openepa.rules.submissions import ProjectOutcome, report_refusal, rework_deadline
from openepa.rules.words import assess_report_length
from openepa.submissions.models import Submission
from openepa.submissions.refusals import SubmissionRefused

REPORT_METHOD = "project"
SHOWCASE_METHOD = "showcase"
UPLOADERS = ("apprentice", "provider")
Kind = Submission.Kind


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
    """Whether the apprentice may upload for ``method`` today, and for which sitting.

    Nothing is uploaded while the registration is withdrawn or on hold.
    """
    sitting = latest_sitting(registration, method.id)
    paused = work_problem(registration)
    if paused:
        return UploadState(paused, sitting, False)
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
