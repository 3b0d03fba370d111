"""Running the day's sweep once: reminders due for every live registration, orphans cleaned.

Once a day (:func:`run_sweep`, run by the task :func:`openepa.sweep.tasks.daily_sweep`) the
sweep goes through the live registrations in batches (:func:`openepa.sweep.deadlines.batches`),
collects each batch's deadlines (:func:`openepa.sweep.deadlines.collect_deadlines`), asks
:func:`openepa.rules.reminders.reminders_due` which are due today (within
``settings.REMINDER_LEAD_DAYS`` before the deadline) and sends them
(:func:`openepa.sweep.reminders.send_reminders`), each to each person once however many times
the sweep runs. It then deletes orphaned uploads
(:func:`openepa.sweep.orphans.clean_orphaned_uploads`) and enqueues the sending of what is
due to the apprenticeship assessment service and the following of submitted certificates
(:func:`openepa.assessment_service.tasks.enqueue_daily_work`).

A :class:`SweepRun` records each day's sweep: one that finished is not repeated unless forced;
one that crashed is run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from openepa.assessment_service.tasks import enqueue_daily_work
from openepa.kernel import clock
from openepa.rules.reminders import reminders_due
from openepa.sweep import deadlines, orphans, reminders
from openepa.sweep.deadlines import BATCH_SIZE
from openepa.sweep.models import SweepRun

# A sweep still "running" after this long is taken to have crashed and is run again.
STALE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class SweepSummary:
    """What one sweep did (or, when ``skipped``, what the day's finished sweep had done)."""

    day: date
    registrations: int
    reminders: int
    notifications: int
    orphans_deleted: int
    skipped: bool = False

    @property
    def words(self) -> str:
        """The summary in one sentence."""
        if self.skipped:
            return (
                f"The sweep of {self.day.isoformat()} had already finished: "
                f"{self.registrations} registrations, {self.reminders} reminders due, "
                f"{self.notifications} emails queued, {self.orphans_deleted} orphaned "
                "uploads deleted. Use --force to run it again."
            )
        return (
            f"Swept {self.registrations} registrations for {self.day.isoformat()}: "
            f"{self.reminders} reminders due, {self.notifications} emails queued, "
            f"{self.orphans_deleted} orphaned uploads deleted."
        )


# --- the sweep -------------------------------------------------------------------------------


def _start(day: date, force: bool) -> SweepRun | None:
    """The day's run, marked running; None when it finished (or another is running now)."""
    with transaction.atomic():
        run, created = SweepRun.objects.select_for_update().get_or_create(day=day)
        if not created:
            if run.status == SweepRun.Status.FINISHED and not force:
                return None
            running_elsewhere = (
                run.status == SweepRun.Status.RUNNING and run.started_at > clock.now() - STALE_AFTER
            )
            if running_elsewhere and not force:
                return None
            run.started_at = clock.now()
            run.finished_at = None
            run.status = SweepRun.Status.RUNNING
            run.error = ""
            run.save()
        return run


def _summary(run: SweepRun, *, skipped: bool) -> SweepSummary:
    return SweepSummary(
        day=run.day,
        registrations=run.registrations,
        reminders=run.reminders,
        notifications=run.notifications,
        orphans_deleted=run.orphans_deleted,
        skipped=skipped,
    )


def run_sweep(day: date, *, force: bool = False, batch_size: int = BATCH_SIZE) -> SweepSummary:
    """Sweep every live registration for ``day``: send the reminders due, clean orphans.

    Recorded in the day's :class:`SweepRun`. A finished day is not swept again unless
    ``force``; a crashed one (failed, or running for longer than :data:`STALE_AFTER`) is.
    Either way no reminder reaches anyone twice.
    """
    run = _start(day, force)
    if run is None:
        return _summary(SweepRun.objects.get(day=day), skipped=True)
    swept = due_count = queued = 0
    try:
        for batch in deadlines.batches(batch_size):
            due = reminders_due(
                deadlines.collect_deadlines(batch), day, settings.REMINDER_LEAD_DAYS
            )
            with transaction.atomic():
                queued += reminders.send_reminders(batch, due)
            swept += len(batch)
            due_count += len(due)
        deleted = orphans.clean_orphaned_uploads()
        enqueue_daily_work()
    except Exception as error:
        SweepRun.objects.filter(pk=run.pk).update(
            status=SweepRun.Status.FAILED,
            finished_at=clock.now(),
            registrations=swept,
            reminders=due_count,
            notifications=queued,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    run.registrations = swept
    run.reminders = due_count
    run.notifications = queued
    run.orphans_deleted = deleted
    run.status = SweepRun.Status.FINISHED
    run.finished_at = clock.now()
    run.save()
    return _summary(run, skipped=False)
