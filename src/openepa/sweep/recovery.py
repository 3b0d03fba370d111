"""Work left behind by a worker that stopped, picked up again by the sweep command.

A worker killed mid-task (out of memory, a deploy, a machine lost) leaves its task row
"running" for ever, and a process stopped between a commit and enqueueing leaves work with
no task at all. Each run of ``openepa manage sweep`` (hourly from cron) first calls
:func:`recover_lost_work`:

- :func:`recover_stale_tasks`: a task running for longer than ``TASK_STALE_MINUTES`` is made
  ready again, for any worker to take; one started ``TASK_ATTEMPTS`` times already is marked
  failed (:class:`WorkerLost`) rather than kill worker after worker. Every OpenEPA task is safe
  to run twice (an email is sent at most once, see :mod:`openepa.notifications.tasks`).
- emails still queued or sending, and reports still counting, that are older than that and
  have no task waiting or running are enqueued again.

What was recovered is logged, and the task rows keep the ids of every worker that started them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openepa.kernel import clock
from openepa.notifications.models import Notification
from openepa.notifications.tasks import send_notification
from openepa.submissions.models import Submission
from openepa.submissions.tasks import count_report

logger = logging.getLogger(__name__)


class WorkerLost(Exception):  # noqa: N818 (named as the task result's failure reads)
    """The workers that started a task kept stopping before it finished."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


@dataclass(frozen=True)
class Recovery:
    """What one recovery did."""

    requeued: int
    given_up: int
    emails: int
    counts: int

    @property
    def words(self) -> str:
        """What was recovered, in one sentence (empty when nothing was)."""
        parts = []
        if self.requeued:
            parts.append(_plural(self.requeued, "task") + " left running by a stopped worker")
            parts[-1] += " enqueued again"
        if self.given_up:
            parts.append(_plural(self.given_up, "task") + " given up after its workers stopped")
        if self.emails:
            parts.append(_plural(self.emails, "email") + " whose task was lost enqueued again")
        if self.counts:
            parts.append(_plural(self.counts, "report") + " whose count was lost enqueued again")
        return "; ".join(parts) + "." if parts else ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def stale_after() -> timedelta:
    """How long a task may run before its worker is taken to have stopped."""
    return timedelta(minutes=int(settings.TASK_STALE_MINUTES))


def _give_up(row: DBTaskResult[Any, Any], still_running: Any) -> int:
    attempts = len(row.worker_ids)
    updated: int = still_running.update(
        status=TaskResultStatus.FAILED,
        finished_at=clock.now(),
        return_value=None,
        exception_class_path=WORKER_LOST,
        traceback=(
            f"{WORKER_LOST}: the workers running this task stopped {attempts} times before it "
            f"finished (workers {', '.join(row.worker_ids)}); it is not run again."
        ),
    )
    if updated:
        logger.error("Task %s (%s) given up: its workers stopped", row.pk, row.task_path)
    return updated


def recover_stale_tasks() -> tuple[int, int]:
    """Make tasks left running by stopped workers ready again; (made ready, given up)."""
    cutoff = clock.now() - stale_after()
    requeued = given_up = 0
    for row in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        still_running = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) >= int(settings.TASK_ATTEMPTS):
            given_up += _give_up(row, still_running)
            continue
        updated = still_running.update(status=TaskResultStatus.READY)
        if updated:
            logger.warning(
                "Task %s (%s) was left running since %s by worker %s: enqueued again",
                row.pk,
                row.task_path,
                row.started_at,
                (row.worker_ids or ["?"])[-1],
            )
        requeued += updated
    return requeued, given_up


def pending_ids(module_path: str) -> set[Any]:
    """The first argument of every task of ``module_path`` waiting or running."""
    rows = DBTaskResult.objects.filter(
        task_path=module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return {(row.get("args") or [None])[0] for row in rows}


def _enqueue_missing(ids: Iterable[int], module_path: str, enqueue: Any) -> int:
    pending = pending_ids(module_path)
    missing = [pk for pk in ids if pk not in pending]
    for pk in missing:
        enqueue(pk)
    return len(missing)


def requeue_lost_emails() -> int:
    """Enqueue again the emails still queued or sending, long after, with no task."""
    ids = Notification.objects.filter(
        status__in=[Notification.Status.QUEUED, Notification.Status.SENDING],
        created_at__lt=clock.now() - stale_after(),
    ).values_list("pk", flat=True)
    return _enqueue_missing(ids, send_notification.module_path, send_notification.enqueue)


def requeue_lost_counts() -> int:
    """Enqueue again the reports still counting, long after their upload, with no task."""
    ids = Submission.objects.filter(
        count_status=Submission.Count.COUNTING,
        submitted_at__lt=clock.now() - stale_after(),
    ).values_list("pk", flat=True)
    return _enqueue_missing(ids, count_report.module_path, count_report.enqueue)


def recover_lost_work() -> Recovery:
    """Recover what stopped workers left: stale tasks first, then work with no task."""
    requeued, given_up = recover_stale_tasks()
    return Recovery(
        requeued=requeued,
        given_up=given_up,
        emails=requeue_lost_emails(),
        counts=requeue_lost_counts(),
    )
