"""What the apprentice submits for a method, and each EPAO's interview question banks.

Nothing here is ever deleted. A new project report supersedes the earlier one (which keeps
its file, count and who sent it); a file taken back is marked withdrawn with who and when. A
report's words are counted in the background: it is "counting" until then, and then "counted"
or "unreadable" with the reason. A
question is retired rather than deleted, and every edit of its text, criteria or source adds a
:class:`QuestionChange` with the old and new value.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """One file submitted for a method: the project report, an annex or showcase evidence."""

    class Kind(models.TextChoices):
        REPORT = "report", "Project report"
        ANNEX = "annex", "Annex"
        ELEMENT = "element", "Showcase element evidence"
        SHOWCASE = "showcase", "Showcase"

    class Count(models.TextChoices):
        COUNTING = "counting", "Counting"
        COUNTED = "counted", "Counted"
        UNREADABLE = "unreadable", "Could not be counted"

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="submissions"
    )
    sitting = models.ForeignKey(
        "assessment.Sitting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    method_id = models.CharField(max_length=32)
    element_id = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    words = models.PositiveIntegerField(null=True, blank=True, help_text="Reports only.")
    count_status = models.CharField(
        max_length=10,
        choices=Count.choices,
        blank=True,
        help_text="Reports only: whether the words are being counted, counted or unreadable.",
    )
    count_error = models.TextField(blank=True, help_text="Why the report could not be counted.")
    count_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times counting the report was started."
    )
    counted_at = models.DateTimeField(null=True, blank=True)
    length = models.JSONField(
        default=dict, blank=True, help_text="The report's length against the specification."
    )
    rework = models.BooleanField(
        default=False, help_text="A report reworked after the project was failed."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    withdrawn = models.BooleanField(default=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registration", "method_id", "-submitted_at", "-id"]
        indexes = [models.Index(fields=["registration", "method_id", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.registration_id} ({self.method_id})"

    @property
    def current(self) -> bool:
        """Neither superseded nor withdrawn."""
        return self.superseded_by_id is None and not self.withdrawn


class InterviewQuestion(models.Model):
    """One question of an EPAO's bank for a specification's interview method."""

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    spec_id = models.CharField(max_length=64)
    method_id = models.CharField(max_length=32)
    number = models.PositiveIntegerField()
    text = models.TextField()
    criteria = models.JSONField(default=list, blank=True, help_text="Criterion ids it draws out.")
    source = models.TextField(blank=True, help_text="Where the question comes from.")
    seed_key = models.CharField(
        max_length=200, blank=True, help_text="The specification question it was seeded from."
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["epao", "spec_id", "method_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["epao", "spec_id", "method_id", "number"], name="one_question_number"
            )
        ]
        indexes = [models.Index(fields=["epao", "spec_id", "method_id", "active"])]

    def __str__(self) -> str:
        return f"Question {self.number} ({self.spec_id} {self.method_id})"


class QuestionChange(models.Model):
    """One change to a question (its text, criteria, source or retirement): old and new."""

    question = models.ForeignKey(
        InterviewQuestion, on_delete=models.PROTECT, related_name="changes"
    )
    field = models.CharField(max_length=32)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(help_text="The question's revision after the change.")

    class Meta:
        ordering = ["question", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.field} of question {self.question_id}"
