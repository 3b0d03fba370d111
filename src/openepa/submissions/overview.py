"""What the submissions page shows of each method: current files, elements and history.

The project report with its count (or "counting", or why it could not be counted) and
annexes, each showcase element's files (or the whole showcase's), whether uploads are open
now, and the files replaced or withdrawn.
"""

from __future__ import annotations

import dataclasses

from openepa.registration.models import Registration
from openepa.rules.model import Element, Method, Report, Specification
from openepa.submissions.models import Submission
from openepa.submissions.uploads import (
    REPORT_METHOD,
    Kind,
    UploadState,
    report_rule,
    submission_methods,
    upload_state,
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
        """Whether any current file is submitted for it."""
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


def upload_notice(submission: Submission) -> tuple[bool, str]:
    """What to tell the uploader: (whether it is a problem, the words), as the report is now.

    The count may already be recorded (a worker was quick, or tasks run at once) or not yet.
    """
    submission.refresh_from_db(fields=["count_status", "count_error", "words", "length"])
    text = f"{submission.file.original_name} was uploaded"
    status = submission.count_status
    if status == Submission.Count.COUNTING:
        return False, f"{text}: its words are being counted, which may take a minute"
    if status == Submission.Count.UNREADABLE:
        return True, f"{text} but its words could not be counted. {submission.count_error}"
    if status == Submission.Count.COUNTED:
        return False, f"{text}: {submission.length.get('message', '')}"
    return False, text
