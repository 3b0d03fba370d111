"""Submitting the project report, annexes and showcase evidence, and when it may be done.

Who uploads: the apprentice, or their training provider on the apprentice's behalf (many
apprentices send their work through the provider; the provider already submits gateway
evidence). Each submission records who sent it. The employer, the assessor, the IQA and the
EPAO see the submissions but do not upload.

A file is read, checked and written to storage before any transaction or lock; then one
short transaction locks the registration, checks that uploads are open and records it. The
project report's words are counted afterwards in the background
(:mod:`openepa.submissions.counting`; annexes are a separate upload and are not counted) and
set against the specification's length and marking stop
(:func:`openepa.rules.words.assess_report_length`): until then the report is "counting", and a
report whose text cannot be read is recorded "unreadable" with the reason. When a later report
is accepted the earlier one is marked superseded; nothing is deleted. Uploads close when the
assessor submits the method's record; the rules on reports after a result (the rework window
after a fail) are in :mod:`openepa.rules.submissions`.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.audit.services import record_event
from openepa.files.services import ReceivedFile, discard, receive_upload, record_upload
from openepa.kernel import clock, specs
from openepa.kernel.uploads import ALL_KINDS, DOCUMENT_KINDS, UploadRefused
from openepa.registration.access import party_of
from openepa.registration.lifecycle import work_problem
from openepa.registration.models import Registration
from openepa.results.models import Result
from openepa.rules.model import Element, Method, Report, Specification
from openepa.rules.submissions import ProjectOutcome, report_refusal, rework_deadline
from openepa.submissions.models import Submission
from openepa.submissions.refusals import SubmissionRefused
from openepa.submissions.tasks import count_report

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


@dataclasses.dataclass(frozen=True)
class Wanted:
    """What an upload is for: the method, the kind of file and, for a showcase, the element."""

    method: Method
    kind: str
    element: Element | None


def _wanted(
    registration: Registration, user: User, method_id: str, kind: str, element_id: str
) -> Wanted:
    """What the upload is for, refused for the wrong person, method, kind or element."""
    if not may_upload(user, registration):
        raise SubmissionRefused("Only the apprentice or their training provider upload files")
    method = submission_method(specs.specification_of(registration), method_id)
    if method is None:
        raise SubmissionRefused("This method takes no uploads")
    if kind not in dict(kinds_for(method)):
        raise SubmissionRefused(f"Choose what you are uploading for the {method.name}", "kind")
    element: Element | None = None
    if kind == Kind.ELEMENT:
        element = _element(method, element_id)
        if element is None:
            raise SubmissionRefused("Choose the element of the showcase", "element")
    return Wanted(method, kind, element)


def _enqueue_count(submission_id: int) -> None:
    count_report.enqueue(submission_id)


def submit_file(
    registration: Registration,
    user: User,
    *,
    method_id: str,
    kind: str,
    upload: UploadedFile[bytes],
    element_id: str = "",
) -> Submission:
    """Store one upload for a method; a report replaces the earlier report and is counted later.

    Refused (with :class:`SubmissionRefused`) for someone other than the apprentice or their
    provider, a method that takes no uploads, a wrong kind or element, a file of the wrong
    type (or a PDF that runs actions when opened), or when :func:`upload_state` refuses. The
    file is read, checked and written before the transaction; a report's words are counted
    by a background task enqueued when the upload commits.
    """
    wanted = _wanted(registration, user, method_id, kind, element_id)
    allowed = DOCUMENT_KINDS if kind == Kind.REPORT else ALL_KINDS
    try:
        received = receive_upload(upload, allowed=allowed)
    except UploadRefused as refusal:
        raise SubmissionRefused(str(refusal), "file") from None
    try:
        return _record(registration, user, wanted, received)
    except BaseException:
        discard(received)
        raise


@transaction.atomic
def _record(
    registration: Registration, user: User, wanted: Wanted, received: ReceivedFile
) -> Submission:
    """Record a received file for the method, under the registration's lock, and audit it."""
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    method, kind, element = wanted.method, wanted.kind, wanted.element
    state = upload_state(registration, specs.specification_of(registration), method)
    if state.refusal:
        raise SubmissionRefused(state.refusal)
    report = kind == Kind.REPORT
    submission = Submission.objects.create(
        registration=registration,
        sitting=state.sitting,
        method_id=method.id,
        element_id=element.id if element else "",
        kind=kind,
        file=record_upload(received, registration=registration, user=user),
        count_status=Submission.Count.COUNTING if report else "",
        rework=state.rework and report,
        submitted_by=user,
    )
    superseded: list[int] = []
    if report:
        superseded = _supersede_earlier_reports(submission)
        transaction.on_commit(partial(_enqueue_count, submission.pk))
    what = element.name if element else dict(kinds_for(method))[kind]
    record_event(
        actor=user,
        epao=registration.epao,
        action="submissions.uploaded",
        obj=submission,
        registration=registration,
        summary=f"Uploaded {what.lower()} for the {method.name}: {received.name}",
        changes={"superseded": (None, superseded)} if superseded else None,
    )
    return submission


def _supersede_earlier_reports(submission: Submission) -> list[int]:
    """Mark the current reports before ``submission`` superseded by it; their ids."""
    earlier = Submission.objects.filter(
        registration=submission.registration,
        method_id=submission.method_id,
        kind=Kind.REPORT,
        superseded_by__isnull=True,
        withdrawn=False,
    ).exclude(pk=submission.pk)
    superseded = list(earlier.values_list("pk", flat=True))
    earlier.update(superseded_by=submission)
    return superseded


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
