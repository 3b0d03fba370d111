"""The gateway of one registration, built from its specification's gateway requirements.

Each requirement becomes a :class:`GatewayComponent` with its own submissions, reviewed by the
EPAO: accepted (and locked) or rejected with a reason and submitted again. Declarations are
signed by each named party as themselves; the portfolio and the project proposal have their
own records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openepa.rules.labels import party_label


class Party(models.TextChoices):
    """Who may submit or sign a gateway component (its words: :mod:`openepa.rules.labels`)."""

    APPRENTICE = "apprentice", party_label("apprentice")
    EMPLOYER = "employer", party_label("employer")
    PROVIDER = "provider", party_label("provider")
    EPAO = "epao", party_label("epao")
    ASSESSOR = "assessor", party_label("assessor")


class GatewayComponent(models.Model):
    """One gateway requirement for one registration."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted for review"
        REJECTED = "rejected", "Rejected"
        ACCEPTED = "accepted", "Accepted"

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="gateway_components"
    )
    requirement_id = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField()
    evidence = models.CharField(max_length=16)
    uses = models.CharField(max_length=32, blank=True)
    submitted_by = models.JSONField(default=list)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    required = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    attempts = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["registration", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "requirement_id"], name="one_component_per_requirement"
            )
        ]
        indexes = [models.Index(fields=["status", "registration"])]

    def __str__(self) -> str:
        return self.name

    @property
    def locked(self) -> bool:
        """An accepted component cannot be changed."""
        return self.status == self.Status.ACCEPTED


class GatewaySubmission(models.Model):
    """One attempt at a component: a file, an answer or a signature set, and its review."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    component = models.ForeignKey(
        GatewayComponent, on_delete=models.PROTECT, related_name="submissions"
    )
    attempt = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    file = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level_achieved = models.PositiveSmallIntegerField(null=True, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["component", "-attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "attempt"], name="one_submission_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component} attempt {self.attempt}"


class Signature(models.Model):
    """A party's signature of a declaration, made by that party's own account."""

    component = models.ForeignKey(
        GatewayComponent, on_delete=models.PROTECT, related_name="signatures"
    )
    attempt = models.PositiveSmallIntegerField()
    party = models.CharField(max_length=16, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["component", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "attempt", "party"], name="one_signature_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signed_name} ({self.get_party_display()})"


class PortfolioPiece(models.Model):
    """One piece of the portfolio of evidence, mapped to the KSBs (or areas) it evidences."""

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="portfolio_pieces"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    evidence_type = models.CharField(max_length=64)
    evidence_date = models.DateField()
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    ksbs = models.JSONField(default=list)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registration", "number"]
        indexes = [models.Index(fields=["registration", "number"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ProjectProposal(models.Model):
    """The Level 3 work-based project proposal, approved or rejected by an assessor."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for the assessor"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="proposals"
    )
    attempt = models.PositiveSmallIntegerField()
    text = models.TextField()
    word_count = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    late = models.BooleanField(default=False)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    resubmit_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["registration", "-attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "attempt"], name="one_proposal_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"Proposal {self.attempt} ({self.word_count} words)"
