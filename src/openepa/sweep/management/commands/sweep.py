"""``openepa manage sweep``: run the daily sweep now, or enqueue it for a worker.

Either way it first recovers the work stopped workers left
(:func:`openepa.sweep.recovery.recover_lost_work`), so running it hourly from cron also
restarts, within the hour, any task a killed worker left running.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.kernel import clock
from openepa.sweep.recovery import recover_lost_work
from openepa.sweep.services import run_sweep
from openepa.sweep.tasks import daily_sweep


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"'{text}' is not a date: give the day to sweep as YYYY-MM-DD, e.g. "
            f"--day {clock.today().isoformat()}."
        ) from None


class Command(BaseCommand):
    """Run the day's sweep, or enqueue it for a worker."""

    help = (
        "Send the deadline reminders due today and delete orphaned uploads. A day's sweep "
        "runs once: running it again sends nothing new. Each run first enqueues again the "
        "tasks that stopped workers left running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Enqueue the sweep for a worker (openepa manage db_worker) instead of running it.",
        )
        parser.add_argument(
            "--day", default="", help="The day to sweep, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Sweep the day again even if its sweep finished (reminders still go once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["day"]) if options["day"] else clock.today()
        recovered = recover_lost_work().words
        if recovered:
            self.stdout.write(f"Recovered: {recovered}")
        if options["enqueue"]:
            result = daily_sweep.enqueue(day.isoformat(), options["force"])
            self.stdout.write(f"Enqueued the sweep of {day.isoformat()} (task {result.id}).")
            return
        summary = run_sweep(day, force=options["force"])
        self.stdout.write(summary.words)
