"""Batches of results letters: requested by an EPAO admin, rendered in the background.

The task renders each letter into one ZIP file, is safe to run twice, records a failure and
raises it again so the worker can retry; the ZIP is downloaded through a checked view.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.documents import tasks
from openepa.documents.models import DocumentBatch
from openepa.documents.tasks import render_batch
from openepa.notifications.models import Notification
from openepa.registration.models import Registration
from openepa.results.models import Result
from tests.documents.conftest import pdf_text
from tests.epa import accept, policy_without_sampling
from tests.results.test_reassessment_support import assess, release

Status = DocumentBatch.Status


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Path) -> Path:
    """A private VAR_DIR for the batches' files."""
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def released(
    make_registration: Callable[..., Registration], anna: User, alice: User
) -> list[Result]:
    """Two Highfield results: a pass released on 1 October, a fail on 3 October 2026."""
    results = []
    for failing, day in (((), date(2026, 10, 1)), (("observation",), date(2026, 10, 3))):
        registration = accept(make_registration("st0071-highfield"), anna)
        policy_without_sampling(registration.epao)
        assess(registration, anna, ("project", "discussion", "observation"), failing=failing)
        results.append(release(registration, alice, day))
    return results


def _batch(alice: User, start: date, end: date) -> DocumentBatch:
    return DocumentBatch.objects.create(
        epao=alice.epao, requested_by=alice, released_from=start, released_to=end
    )


def _zips(folder: Path) -> list[Path]:
    return sorted((folder / "documents").glob("*"))


def test_the_task_renders_every_letter_once_even_when_run_twice(
    released: list[Result], alice: User, var_dir: Path
) -> None:
    batch = _batch(alice, date(2026, 10, 1), date(2026, 10, 31))
    assert render_batch.call(batch.pk) == 2
    batch.refresh_from_db()
    assert (batch.status, batch.count, batch.attempts) == (Status.DONE, 2, 1)
    files = _zips(var_dir)
    assert [f.name for f in files] == [f"batch-{batch.pk}.zip"]
    first = files[0].read_bytes()
    with zipfile.ZipFile(files[0]) as archive:
        names = archive.namelist()
        texts = [pdf_text(archive.read(name)) for name in names]
    ulns = [r.registration.apprentice.uln for r in released]
    assert names == [f"results-letter-{uln}-sitting-1.pdf" for uln in ulns]
    assert released[0].label in texts[0]
    assert ulns[0] in texts[0]
    assert "feedback and next steps" in texts[1]
    assert ulns[1] in texts[1]
    # Run again (a worker retrying): nothing is redone, the file is the same.
    assert render_batch.call(batch.pk) == 2
    batch.refresh_from_db()
    assert batch.attempts == 1
    assert [f.name for f in _zips(var_dir)] == [f"batch-{batch.pk}.zip"]
    assert _zips(var_dir)[0].read_bytes() == first
    # The person who asked is told once.
    notes = Notification.objects.filter(user=alice, kind="documents_ready")
    assert notes.count() == 1
    assert notes.get().key == f"batch:{batch.pk}"


def test_only_the_dates_results_of_the_epao_are_in_the_batch(
    released: list[Result], alice: User, var_dir: Path
) -> None:
    batch = _batch(alice, date(2026, 10, 2), date(2026, 10, 3))
    assert render_batch.call(batch.pk) == 1
    with zipfile.ZipFile(_zips(var_dir)[0]) as archive:
        assert archive.namelist() == [
            f"results-letter-{released[1].registration.apprentice.uln}-sitting-1.pdf"
        ]


def test_a_failure_is_recorded_raised_and_retried(
    released: list[Result],
    alice: User,
    var_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = _batch(alice, date(2026, 10, 1), date(2026, 10, 31))
    calls = []

    def broken(result: Result) -> bytes:
        calls.append(result.pk)
        if len(calls) == 2:
            raise OSError("disk full")
        return b"%PDF-1.7 stub"

    monkeypatch.setattr(tasks, "results_letter", broken)
    with django_capture_on_commit_callbacks() as retries, pytest.raises(OSError, match="disk full"):
        render_batch.call(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.file) == (Status.QUEUED, 1, "")
    assert batch.error == "OSError: disk full"
    assert _zips(var_dir) == []  # no half-written file left behind
    assert not Notification.objects.filter(kind="documents_ready").exists()
    # The retry enqueued on commit runs it again, replacing only its own temporary file.
    [retry] = retries
    retry()
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.error) == (Status.DONE, 2, "")
    assert [f.name for f in _zips(var_dir)] == [f"batch-{batch.pk}.zip"]


def test_a_batch_that_keeps_failing_is_marked_failed_after_its_attempts(
    released: list[Result], alice: User, var_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _batch(alice, date(2026, 10, 1), date(2026, 10, 31))

    def broken(result: Result) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(tasks, "results_letter", broken)
    for _ in range(tasks.BATCH_ATTEMPTS):
        with pytest.raises(OSError, match="disk full"):
            render_batch.call(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (Status.FAILED, tasks.BATCH_ATTEMPTS)


def test_an_admin_requests_a_batch_and_downloads_it(
    released: list[Result],
    alice: User,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(tasks, "results_letter", lambda result: b"%PDF-1.7 stub")
    client.force_login(alice)
    url = reverse("documents:batches")
    data = {
        "released_from_day": "1",
        "released_from_month": "10",
        "released_from_year": "2026",
        "released_to_day": "31",
        "released_to_month": "10",
        "released_to_year": "2026",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert "are being prepared: you will get an email when they are ready" in (
        response.content.decode()
    )
    batch = DocumentBatch.objects.get()
    assert (batch.status, batch.count, batch.requested_by) == (Status.DONE, 2, alice)
    page = client.get(url).content.decode()
    download = reverse("documents:batch_download", args=[batch.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "results-letters-20261001-20261031.zip" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    content = io.BytesIO(b"".join(response.streaming_content))  # type: ignore[arg-type]
    with zipfile.ZipFile(content) as archive:
        assert len(archive.namelist()) == 2


def test_the_request_form_explains_wrong_dates(
    released: list[Result], alice: User, client: Client
) -> None:
    client.force_login(alice)
    url = reverse("documents:batches")

    def post(start: tuple[int, int, int], end: tuple[int, int, int]) -> str:
        data = {}
        for name, (day, month, year) in (("released_from", start), ("released_to", end)):
            data.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
        response = client.post(url, data)
        assert response.status_code == 200
        return response.content.decode()

    page = post((31, 10, 2026), (1, 10, 2026))
    assert "There is a problem" in page
    assert "Results released to must be the same as or after results released from" in page
    page = post((1, 1, 2026), (31, 1, 2026))
    assert "No results were released between 1 January 2026 and 31 January 2026" in page
    page = client.post(url, {}).content.decode()
    assert "Enter results released from" in page
    assert not DocumentBatch.objects.exists()


def test_who_may_request_and_download_batches(
    alice: User, anna: User, pat: User, mallory: User, client: Client, var_dir: Path
) -> None:
    batch = _batch(alice, date(2026, 10, 1), date(2026, 10, 31))
    download = reverse("documents:batch_download", args=[batch.pk])
    client.force_login(alice)
    response = client.get(download)
    assert response.status_code == 404  # queued: not ready yet
    for person, status in ((anna, 403), (pat, 403), (mallory, 404)):
        client.force_login(person)
        assert client.get(download).status_code == status
    for person in (anna, pat):
        client.force_login(person)
        assert client.get(reverse("documents:batches")).status_code == 403
    client.force_login(mallory)
    page = client.get(reverse("documents:batches")).content.decode()
    assert "No batches requested yet." in page


def test_the_list_of_batches_takes_the_same_queries_however_many(
    alice: User, bob: User, client: Client
) -> None:
    client.force_login(alice)
    url = reverse("documents:batches")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    for _ in range(2):
        _batch(alice, date(2026, 10, 1), date(2026, 10, 31))
    few = queries()
    for _ in range(30):
        _batch(alice, date(2026, 10, 1), date(2026, 10, 31))
    assert queries() == few
