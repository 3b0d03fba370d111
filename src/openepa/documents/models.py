"""Batches of documents rendered in the background: e.g. every results letter of a month."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DocumentBatch(models.Model):
    """A request for many documents at once, rendered by a worker into one ZIP file.

    The file lies under ``settings.VAR_DIR / "documents"`` (outside the web root) and is
    downloaded only through a permission-checked view.
    """

    class Kind(models.TextChoices):
        RESULTS_LETTERS = "results_letters", "Results letters"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.RESULTS_LETTERS)
    released_from = models.DateField("results released from")
    released_to = models.DateField("results released to")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    count = models.PositiveIntegerField(default=0, help_text="Documents in the file.")
    file = models.CharField(
        max_length=200, blank=True, help_text='Path of the ZIP under VAR_DIR / "documents".'
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["epao", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.released_from} to {self.released_to}"

    @property
    def filename(self) -> str:
        """The file name offered on download."""
        return f"results-letters-{self.released_from:%Y%m%d}-{self.released_to:%Y%m%d}.zip"
