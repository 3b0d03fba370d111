"""A report's words are counted in the background, outside any transaction, within a budget.

The upload answers at once; the page says "Counting" until the count is recorded, then shows
it, or the reason the report could not be counted. Nobody else's write waits meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, TestCase
from django.urls import reverse
from django_tasks.signals import task_enqueued

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.files import text as text_module
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.submissions import counting, uploads
from openepa.submissions.models import Submission
from openepa.sweep import recovery
from tests.files.pdfs import open_action_javascript_pdf, shared_stream_pdf
from tests.files.test_reading_budget import _deep_document
from tests.files.test_text import W, make_docx
from tests.submissions.conftest import report_text, txt

Capture = Callable[..., Any]


def _post_report(client: Client, registration: Registration, upload: Any) -> Any:
    url = reverse("submissions:upload", args=[registration.pk, "project"])
    return client.post(url, {"kind": "report", "file": upload}, follow=True)


@pytest.mark.django_db(transaction=True)  # the count runs when the upload commits
def test_a_1000_page_shared_stream_pdf_is_answered_at_once_and_given_up_at_the_budget(
    highfield: Registration,
    pat: User,
    login: Callable[[User], Client],
) -> None:
    data = shared_stream_pdf(pages=1000, stream_bytes=150_000)
    enqueued: list[tuple[str, list[Any]]] = []

    def remember(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append((task_result.task.name, list(task_result.args)))

    task_enqueued.connect(remember)
    client = login(pat)
    started = time.monotonic()
    try:
        response = _post_report(client, highfield, SimpleUploadedFile("report.pdf", data))
    finally:
        task_enqueued.disconnect(remember)
    assert time.monotonic() - started < 20  # reading every page took 6.5 minutes
    assert enqueued == [("count_report", [Submission.objects.get().pk])]  # on commit
    report = Submission.objects.get()
    assert report.count_status == Submission.Count.UNREADABLE
    assert report.count_error.startswith(
        "The report could not be read: it is too long to count (more than 20 MB of page content)"
    )
    assert report.words is None
    page = response.content.decode()
    assert "Could not be counted" in page
    assert "it is too long to count" in page
    assert AuditEvent.objects.filter(action="submissions.unreadable").count() == 1


@pytest.mark.django_db
def test_the_page_says_counting_until_the_count_is_recorded(
    highfield: Registration,
    pat: User,
    anna: User,
    login: Callable[[User], Client],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        uploads.submit_file(
            highfield,
            pat,
            method_id="project",
            kind="report",
            upload=txt("report.txt", report_text(2600)),
        )
    report = Submission.objects.get()
    assert (report.count_status, report.words) == (Submission.Count.COUNTING, None)
    page = login(anna).get(reverse("submissions:overview", args=[highfield.pk]))
    assert "Counting" in page.content.decode()
    assert "2,600" not in page.content.decode()

    for callback in enqueued:  # the worker picks the task up
        callback()
    report.refresh_from_db()
    assert (report.count_status, report.words) == (Submission.Count.COUNTED, 2600)
    page = login(anna).get(reverse("submissions:overview", args=[highfield.pk]))
    assert "2,600 words: within the 2,500 words ± 10%" in page.content.decode()
    assert counting.count_report(report.pk) == "counted"  # run twice: nothing changes
    assert AuditEvent.objects.filter(action="submissions.counted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_another_users_write_succeeds_while_a_report_is_counted(
    highfield: Registration,
    pat: User,
    bob: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bob uploads an annex (locking the registration) while Pat's report is being read."""
    outcome: dict[str, Any] = {}

    def bobs_upload() -> None:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":  # fail rather than wait for a lock
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL lock_timeout = '3s'")
                uploads.submit_file(
                    highfield, bob, method_id="project", kind="annex", upload=txt("a.txt", "x")
                )
            outcome["bob"] = "uploaded"
        except Exception as error:
            outcome["bob"] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    reading = text_module.extract_text

    def read_while_bob_writes(*args: Any, **kwargs: Any) -> str:
        outcome["in_transaction"] = connection.in_atomic_block
        other = threading.Thread(target=bobs_upload)
        other.start()
        other.join(60)
        return reading(*args, **kwargs)

    monkeypatch.setattr(text_module, "extract_text", read_while_bob_writes)
    report = uploads.submit_file(
        highfield, pat, method_id="project", kind="report", upload=txt("r.txt", report_text(2500))
    )
    assert outcome == {"in_transaction": False, "bob": "uploaded"}
    report.refresh_from_db()
    assert (report.count_status, report.words) == (Submission.Count.COUNTED, 2500)
    assert Submission.objects.filter(kind="annex", submitted_by=bob).count() == 1


@pytest.mark.django_db(transaction=True)  # the count runs when the upload commits
def test_a_word_document_nested_5000_deep_is_recorded_unreadable_with_the_reason(
    highfield: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    upload = SimpleUploadedFile("report.docx", make_docx(_deep_document(2500)))
    response = _post_report(login(pat), highfield, upload)
    report = Submission.objects.get()
    assert report.count_status == Submission.Count.UNREADABLE
    assert "nested more than 256 levels deep" in report.count_error
    assert "nested more than 256 levels deep" in response.content.decode()


@pytest.mark.django_db
def test_a_utf16_word_document_with_a_dtd_is_recorded_unreadable(
    highfield: Registration, pat: User, django_capture_on_commit_callbacks: Capture
) -> None:
    bomb = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    upload = SimpleUploadedFile("report.docx", make_docx(bomb.encode("utf-16")))
    with django_capture_on_commit_callbacks(execute=True):
        uploads.submit_file(highfield, pat, method_id="project", kind="report", upload=upload)
    report = Submission.objects.get()
    assert report.count_status == Submission.Count.UNREADABLE
    assert "holds a document type declaration" in report.count_error


@pytest.mark.django_db
def test_a_pdf_that_runs_javascript_when_opened_is_refused_at_upload(
    highfield: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    upload = SimpleUploadedFile("report.pdf", open_action_javascript_pdf())
    response = _post_report(login(pat), highfield, upload)
    assert response.status_code == 200
    assert "contains JavaScript or actions that run when it is opened" in (
        response.content.decode()
    )
    assert not Submission.objects.exists()
    assert not highfield.files.exists()


@pytest.mark.django_db
def test_counting_stopped_three_times_is_given_up(highfield: Registration, pat: User) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False):
        uploads.submit_file(
            highfield, pat, method_id="project", kind="report", upload=txt("r.txt", "a b c")
        )
    report = Submission.objects.get()
    Submission.objects.filter(pk=report.pk).update(count_attempts=counting.COUNT_ATTEMPTS)
    assert counting.count_report(report.pk) == "unreadable"
    report.refresh_from_db()
    assert report.count_error.startswith("The report could not be read: counting it was stopped")


@pytest.mark.django_db
def test_a_report_whose_count_was_lost_is_counted_after_the_sweep(
    highfield: Registration, pat: User
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False):  # the process stopped: no task
        uploads.submit_file(
            highfield, pat, method_id="project", kind="report", upload=txt("r.txt", "a b c")
        )
    assert recovery.recover_lost_work().counts == 0  # just uploaded: its task may be waiting
    Submission.objects.update(submitted_at=clock.now() - timedelta(hours=2))
    found = recovery.recover_lost_work()
    assert found.counts == 1
    assert found.words == "1 report whose count was lost enqueued again."
    report = Submission.objects.get()
    assert (report.count_status, report.words) == (Submission.Count.COUNTED, 3)
