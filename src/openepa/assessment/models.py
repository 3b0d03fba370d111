"""The assessor's record of each method: judgements against every criterion, and their history.

A registration's EPA is taken in sittings: the first, then any resit or retake of the methods
failed. In each sitting the assessor keeps one record per method. A record is a draft while
the assessor works and is locked when submitted; after that only an IQA or an appeal reviewer
can amend it, with a reason. Current values live on :class:`AssessmentRecord` and
:class:`Judgement`; every change to them adds a :class:`RecordChange` row with the old and new
value, who, when and why, so nothing is ever silently overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Sitting(models.Model):
    """One round of a registration's EPA: the first, or a resit or retake of failed methods."""

    class Kind(models.TextChoices):
        FIRST = "first", "First attempt"
        RESIT = "resit", "Resit"
        RETAKE = "retake", "Retake"

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="sittings"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FIRST)
    methods = models.JSONField(help_text="The ids of the methods assessed in this sitting.")
    whole_epa = models.BooleanField(
        default=False, help_text="Every method is taken again (the time limit had passed)."
    )
    employer_agreed = models.BooleanField(default=False)
    employer_contact = models.CharField(max_length=200, blank=True)
    employer_agreed_on = models.DateField(null=True, blank=True)
    attempts_agreed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The number of attempts the employer decided on."
    )
    further_learning = models.TextField(blank=True)
    exceptional_circumstances = models.BooleanField(default=False)
    exceptional_reason = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["registration", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "number"], name="one_sitting_number_each"
            )
        ]

    def __str__(self) -> str:
        return f"Sitting {self.number} ({self.get_kind_display()}) of {self.registration_id}"


class AssessmentRecord(models.Model):
    """The assessor's record of one method in one sitting."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Iqa(models.TextChoices):
        NOT_SAMPLED = "not_sampled", "Not sampled"
        HELD = "held", "Held for IQA"
        UPHELD = "upheld", "Upheld by IQA"
        AMENDED = "amended", "Amended by IQA"

    CLEARED = (Iqa.NOT_SAMPLED, Iqa.UPHELD, Iqa.AMENDED)

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="assessment_records"
    )
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="records")
    method_id = models.CharField(max_length=32)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessment_records"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    assessed_on = models.DateField("date of assessment", null=True, blank=True)
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    mode = models.CharField(max_length=16, blank=True)
    occasions = models.JSONField(
        default=list, blank=True, help_text='Each occasion: {"on": "YYYY-MM-DD", "minutes": 30}.'
    )
    questioning_minutes = models.PositiveSmallIntegerField(
        "question and answer minutes", null=True, blank=True
    )
    interview = models.JSONField(
        default=list,
        blank=True,
        help_text='Questions asked: {"question": id, "number": n, "text": "...", "notes": ""}.',
    )
    feedback = models.TextField(blank=True)
    grade = models.CharField(max_length=12, blank=True)
    grade_reason = models.TextField(blank=True)
    capped = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    iqa_status = models.CharField(max_length=12, choices=Iqa.choices, default=Iqa.NOT_SAMPLED)
    sample_reason = models.CharField(max_length=200, blank=True)
    sample_draw = models.FloatField(null=True, blank=True)
    iqa_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    iqa_decided_at = models.DateTimeField(null=True, blank=True)
    iqa_reason = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["registration", "sitting", "method_id"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "method_id"], name="one_record_per_method")
        ]
        indexes = [
            models.Index(fields=["assessor", "status", "submitted_at"]),
            models.Index(fields=["iqa_status", "submitted_at"]),
            models.Index(fields=["registration", "method_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.method_id} record of {self.registration_id} (sitting {self.sitting_id})"

    @property
    def submitted(self) -> bool:
        """The assessor has submitted (and so locked) the record."""
        return self.status == self.Status.SUBMITTED

    @property
    def cleared(self) -> bool:
        """Submitted, and not held for quality assurance."""
        return self.submitted and self.iqa_status in self.CLEARED


class Judgement(models.Model):
    """The current judgement of one criterion in one record, with seed 002's key.

    ``checklist`` is empty for the method's own criteria, or names an additional
    observation checklist (Active IQ) whose criteria are a showcase element's.
    """

    class Value(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        MET_WITH_COMMENT = "met_comment", "Met with a comment"
        QUESTION = "question", "Question raised"

    record = models.ForeignKey(
        AssessmentRecord, on_delete=models.PROTECT, related_name="judgements"
    )
    checklist = models.CharField(max_length=64, blank=True)
    criterion_id = models.CharField(max_length=32)
    value = models.CharField(max_length=12, choices=Value.choices)
    comment = models.TextField(blank=True)
    evidence = models.JSONField(
        default=list, blank=True, help_text='Evidence relied on: "file:<uuid>" or "piece:<id>".'
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record", "checklist", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "checklist", "criterion_id"], name="one_judgement_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class RecordChange(models.Model):
    """One change to a record: a field or a judgement, old and new value, who, when and why.

    ``field`` is a record field name (``feedback``, ``grade`` ...) or
    ``judgement:<checklist>:<criterion>``. ``stage`` says whether the change was made while
    drafting, by an IQA, or on appeal. Rows are only ever added.
    """

    class Stage(models.TextChoices):
        DRAFT = "draft", "Drafting"
        SUBMIT = "submit", "Submission"
        IQA = "iqa", "Internal quality assurance"
        APPEAL = "appeal", "Appeal"

    record = models.ForeignKey(AssessmentRecord, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=120)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.DRAFT)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(help_text="The record's revision after the change.")

    class Meta:
        ordering = ["record", "changed_at", "id"]
        indexes = [models.Index(fields=["record", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.field} changed by {self.changed_by_id} at {self.changed_at:%Y-%m-%d %H:%M}"
