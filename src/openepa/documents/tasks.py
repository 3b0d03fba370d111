"""Background work of documents: rendering a batch of results letters into one ZIP file.

The task is safe to run twice: a batch already done is not redone, and the ZIP is written to
a temporary file and renamed into place, so a half-written file never replaces a whole one.
A failure is recorded on the batch and raised again, so the worker records it; the batch is
enqueued again after a growing delay until it has been tried ``BATCH_ATTEMPTS`` times, and
is then marked failed.
"""

from __future__ import annotations

import os
import zipfile
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django_tasks import task

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.documents.events import DocumentsReady
from openepa.documents.models import DocumentBatch
from openepa.documents.services import batch_dir, batch_results, chunks, results_letter
from openepa.kernel import clock, events

Status = DocumentBatch.Status
Role = User.Role
#: How many times a batch is tried before it is marked failed.
BATCH_ATTEMPTS = 3


def _start(batch_id: int) -> DocumentBatch | None:
    """Mark the batch running (one more attempt), or None if it is already done."""
    with transaction.atomic():
        batch = DocumentBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == Status.DONE and batch.file and (batch_dir() / batch.file).exists():
            return None
        batch.status = Status.RUNNING
        batch.attempts = F("attempts") + 1
        batch.started_at = clock.now()
        batch.error = ""
        batch.save(update_fields=["status", "attempts", "started_at", "error"])
        batch.refresh_from_db()
        return batch


def _write_zip(batch: DocumentBatch, target: Path) -> int:
    """Render every letter of the batch, 100 results at a time, into ``target``."""
    ids = list(batch_results(batch).values_list("pk", flat=True))
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for chunk in chunks(ids):
            results = (
                batch_results(batch)
                .filter(pk__in=chunk)
                .select_related("registration__apprentice", "registration__epao", "sitting")
            )
            for result in results:
                uln = result.registration.apprentice.uln
                name = f"results-letter-{uln}-sitting-{result.sitting.number}.pdf"
                archive.writestr(name, results_letter(result))
                count += 1
    return count


@task(queue_name="documents")
def render_batch(batch_id: int) -> int:
    """Render the batch's results letters into its ZIP file; the number of letters."""
    batch = _start(batch_id)
    if batch is None:
        return DocumentBatch.objects.get(pk=batch_id).count
    final = batch_dir() / f"batch-{batch.pk}.zip"
    partial = final.with_name(f".{final.name}.{os.getpid()}.part")
    try:
        count = _write_zip(batch, partial)
        os.replace(partial, final)
    except Exception as error:
        partial.unlink(missing_ok=True)
        retry = batch.attempts < BATCH_ATTEMPTS
        DocumentBatch.objects.filter(pk=batch.pk).update(
            status=Status.QUEUED if retry else Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        if retry:
            _retry_later(batch)
        raise
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=Status.DONE, count=count, file=final.name, finished_at=clock.now()
    )
    batch.refresh_from_db()
    _tell(batch)
    return count


def _retry_later(batch: DocumentBatch) -> None:
    """Enqueue the batch again after 5, then 10 minutes (at once where tasks cannot wait)."""
    delay = timedelta(minutes=5 * 2 ** (batch.attempts - 1))
    if render_batch.get_backend().supports_defer:
        transaction.on_commit(
            lambda: render_batch.using(run_after=clock.now() + delay).enqueue(batch.pk)
        )
    else:  # the backend the tests use cannot wait
        transaction.on_commit(lambda: render_batch.enqueue(batch.pk))


def _tell(batch: DocumentBatch) -> None:
    """Tell the person who asked that the batch is ready (the notifications app sends it)."""
    events.publish(DocumentsReady(batch))


@transaction.atomic
def request_batch(user: User, start: date, end: date) -> DocumentBatch:
    """Queue a batch of the results letters released between ``start`` and ``end``.

    The worker renders it once the request is committed.
    """
    if user.role != Role.EPAO_ADMIN or user.epao_id is None:
        raise PermissionDenied("Only an EPAO admin can request a batch of letters")
    batch = DocumentBatch.objects.create(
        epao_id=user.epao_id, requested_by=user, released_from=start, released_to=end
    )
    record_event(
        actor=user,
        epao=batch.epao,
        action="documents.batch_requested",
        obj=batch,
        summary=f"Requested the results letters of results released {start} to {end}",
    )
    transaction.on_commit(lambda: render_batch.enqueue(batch.pk))
    return batch
