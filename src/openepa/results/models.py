"""Released results and their history, and appeals (each EPAO's policy: accounts).

A result is created when the EPAO releases the grade the engine gives for a sitting. It is
never deleted; an appeal that overturns it adds a :class:`ResultChange` with the old and new
grades, who, when and why, and the result then shows the new grade.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Result(models.Model):
    """The released result of one sitting: the EPA grade and each method's grade."""

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="results"
    )
    sitting = models.OneToOneField(
        "assessment.Sitting", on_delete=models.PROTECT, related_name="result"
    )
    grade = models.CharField(max_length=12)
    label = models.CharField(max_length=40)
    reason = models.TextField()
    capped = models.BooleanField(default=False)
    methods = models.JSONField(
        help_text="Each method: id, name, grade, label, attempt, sitting, capped, reason."
    )
    last_assessment_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=300, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(default=timezone.now)
    achievement_date = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-released_at", "-id"]
        indexes = [
            models.Index(fields=["registration", "-released_at"]),
            models.Index(fields=["grade", "-released_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.label} for {self.registration_id}"

    @property
    def achieved(self) -> bool:
        """Passed or passed with distinction."""
        return self.grade in ("pass", "distinction")


class ResultChange(models.Model):
    """A change to a released result (an appeal upheld): old and new grades, who, when, why."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="changes")
    old_grade = models.CharField(max_length=12)
    new_grade = models.CharField(max_length=12)
    old_methods = models.JSONField()
    new_methods = models.JSONField()
    reason = models.TextField()
    cause = models.CharField(max_length=60, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["result", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_grade} to {self.new_grade}"


class Appeal(models.Model):
    """An appeal against a released result, reviewed by another assessor or an IQA.

    Whoever lodged it may withdraw it before it is decided; a withdrawn appeal is kept.
    """

    class Status(models.TextChoices):
        LODGED = "lodged", "Lodged"
        UNDER_REVIEW = "under_review", "Under review"
        UPHELD = "upheld", "Upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.LODGED, Status.UNDER_REVIEW)
    DECIDED = (Status.UPHELD, Status.NOT_UPHELD)

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="appeals"
    )
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="appeals")
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_as = models.CharField(max_length=12, help_text="apprentice, employer or provider")
    lodged_at = models.DateTimeField(default=timezone.now)
    grounds = models.TextField()
    methods = models.JSONField(default=list, blank=True, help_text="The methods appealed.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_to_review",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.LODGED)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person who lodged it withdrew it."
    )
    withdrawal_reason = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-lodged_at", "-id"]
        indexes = [
            models.Index(fields=["registration", "-lodged_at"]),
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["status", "-lodged_at"]),
        ]

    def __str__(self) -> str:
        return f"Appeal against {self.result}"
