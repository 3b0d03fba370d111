"""Counting a project report's words in the background, outside any transaction or lock.

An uploaded report is stored "counting" and :func:`openepa.submissions.tasks.count_report` is
enqueued when the upload commits. The task reads the file within the reading budget
(:mod:`openepa.files.budget`), with no transaction open and no row locked, so a slow or
hostile document holds up nobody else's work; then one short transaction records the count
and where marking stops ("counted"), or the reason it could not be read ("unreadable"), and
audits it. Counting is safe to run twice: a report already counted is left as it is. A report
whose counting was started :data:`COUNT_ATTEMPTS` times without finishing (its worker killed
each time) is given up as unreadable.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction

from openepa.audit.services import record_event
from openepa.files.text import TextUnreadable, extract_stored_text
from openepa.kernel import clock, specs
from openepa.rules.words import assess_report_length, count_words
from openepa.submissions.models import Submission

Count = Submission.Count
COUNT_ATTEMPTS = 3
"""How many times counting one report is started before it is given up."""

GAVE_UP = (
    "The report could not be read: counting it was stopped {attempts} times before it "
    "finished. Upload the report alone, as a PDF saved from a word processor, a .docx or a "
    ".txt file."
)


def _start(submission_id: int) -> Submission | None:
    """The report to count, with one more attempt recorded; None when there is nothing to do."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("file", "registration")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or submission.count_status != Count.COUNTING:
            return None
        submission.count_attempts += 1
        submission.save(update_fields=["count_attempts"])
    if submission.count_attempts > COUNT_ATTEMPTS:
        _finish(submission, unreadable=GAVE_UP.format(attempts=COUNT_ATTEMPTS))
        return None
    return submission


def _length(submission: Submission, text: str) -> tuple[int, dict[str, Any]]:
    """The words of ``text`` and its length against the specification's report rule."""
    rule = specs.specification_of(submission.registration).evidence.project_report
    if rule is None:
        return count_words(text), {}
    assessed = assess_report_length(text, rule)
    return assessed.words, dataclasses.asdict(assessed)


def _finish(
    submission: Submission,
    *,
    words: int | None = None,
    length: dict[str, Any] | None = None,
    unreadable: str = "",
) -> None:
    """Record the count (or why there is none) unless another run recorded it first."""
    status = Count.UNREADABLE if unreadable else Count.COUNTED
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.count_status != Count.COUNTING:
            return
        locked.count_status = status
        locked.count_error = unreadable
        locked.words = words
        locked.length = length or {}
        locked.counted_at = clock.now()
        locked.save(update_fields=["count_status", "count_error", "words", "length", "counted_at"])
        name = submission.file.original_name
        record_event(
            actor=None,
            epao=submission.registration.epao,
            action=f"submissions.{status}",
            obj=locked,
            registration=submission.registration,
            summary=(
                f"Could not count the project report {name}"
                if unreadable
                else f"Counted the project report {name}: {words:,} words"
            ),
            changes={"count_status": (Count.COUNTING.value, status.value), "words": (None, words)},
            reason=unreadable,
        )


def count_report(submission_id: int) -> str:
    """Count one uploaded report's words and record the result; returns its count status.

    The file is read outside any transaction, within the reading budget; a report that
    cannot be read, or is too long to read, is recorded as unreadable with the reason.
    """
    submission = _start(submission_id)
    if submission is None:
        found = Submission.objects.filter(pk=submission_id).values_list("count_status", flat=True)
        status = found.first()
        return "missing" if status is None else status or "not a report"
    try:
        text = extract_stored_text(submission.file)
    except TextUnreadable as error:
        _finish(submission, unreadable=str(error))
    else:
        words, length = _length(submission, text)
        _finish(submission, words=words, length=length)
    return Submission.objects.values_list("count_status", flat=True).get(pk=submission_id)
