"""Specifications as loaded into the database.

Each distinct content of a specification file is kept as its own row, so a registration
stays on the rules it was registered under even after the EPAO corrects the file.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SpecificationRecord(models.Model):
    """One version of one EPAO specification, validated and stored as JSON."""

    spec_id = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64)
    standard = models.CharField(max_length=6)
    version = models.CharField(max_length=8)
    level = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    standard_title = models.CharField(max_length=200)
    epao_name = models.CharField(max_length=200)
    is_current = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["spec_id", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["spec_id", "sha256"], name="unique_spec_content"),
            models.UniqueConstraint(
                fields=["spec_id"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_spec",
            ),
        ]
        indexes = [models.Index(fields=["is_current", "spec_id"])]

    def __str__(self) -> str:
        return f"{self.spec_id}: {self.standard} v{self.version} ({self.epao_name})"

    @property
    def label(self) -> str:
        """How people see it in lists: standard, level and EPAO."""
        return (
            f"{self.standard} {self.standard_title} v{self.version} "
            f"(level {self.level}), {self.epao_name} [{self.spec_id}]"
        )


class SpecificationContent(models.Model):
    """The validated content of a record, kept apart so lists never load it row by row."""

    record = models.OneToOneField(
        SpecificationRecord, on_delete=models.CASCADE, primary_key=True, related_name="body"
    )
    content = models.JSONField()
    standard_content = models.JSONField()

    def __str__(self) -> str:
        return f"content of {self.record}"
