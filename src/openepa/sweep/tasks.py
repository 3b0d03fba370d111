"""The daily sweep as a background task (Django's tasks API, the database backend)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from openepa.kernel import clock
from openepa.sweep.services import run_sweep


@task()
def daily_sweep(day: str | None = None, force: bool = False) -> dict[str, Any]:
    """Sweep ``day`` (ISO date; default today): reminders due and orphaned uploads.

    Safe to run twice, or at once on two workers: the day's :class:`SweepRun` lets one
    finished sweep a day through, and each reminder's key sends it to each person once.
    Returns the summary (kept with the task's result).
    """
    summary = run_sweep(date.fromisoformat(day) if day else clock.today(), force=force)
    return {
        "day": summary.day.isoformat(),
        "registrations": summary.registrations,
        "reminders": summary.reminders,
        "notifications": summary.notifications,
        "orphans_deleted": summary.orphans_deleted,
        "skipped": summary.skipped,
    }
