"""One row per day the daily sweep ran: when, how much it did and how it ended."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SweepRun(models.Model):
    """The sweep of one day.

    A day's sweep is recorded once (``day`` is unique). A run that finished is not repeated
    unless forced; one that crashed (still ``running`` or ``failed``) is run again by the next
    sweep of that day. Running again never sends a reminder twice: each reminder has a key
    and the notifications app sends one email per key and person.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    day = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    registrations = models.PositiveIntegerField(default=0)
    reminders = models.PositiveIntegerField(default=0)
    notifications = models.PositiveIntegerField(default=0)
    orphans_deleted = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Sweep of {self.day.isoformat()}: {self.get_status_display().lower()}"
