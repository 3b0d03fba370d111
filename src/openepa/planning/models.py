"""Assessor and IQA profiles, the relationships they declare, and allocations.

A profile says what an assessor may assess (the specifications they are approved for), how
much (their weekly capacity) and when (their working days and unavailable dates). A declared
relationship (with an employer, a training provider or an apprentice) makes the person not
independent of those apprentices. Allocations are never deleted: each records who allocated
which assessor and IQA, when and why, so a reallocation keeps the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from openepa.rules.allocation import WEEKDAYS, Party


def default_working_days() -> list[int]:
    """Monday to Friday."""
    return [0, 1, 2, 3, 4]


class AssessorProfile(models.Model):
    """What one assessor or IQA is approved for and when they can work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_profile"
    )
    approved_specs = models.JSONField(
        "approved specifications",
        default=list,
        blank=True,
        help_text="Specification ids, such as st0071-highfield.",
    )
    weekly_capacity = models.PositiveSmallIntegerField("assessments a week", default=5)
    working_days = models.JSONField(
        default=default_working_days, help_text="Days of the week, Monday being 0."
    )
    region = models.CharField(max_length=60, blank=True)
    assesses_remotely = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Profile of {self.user.full_name}"

    @property
    def working_day_names(self) -> list[str]:
        """The working days as names, in week order."""
        return [WEEKDAYS[day] for day in sorted(self.working_days)]


class UnavailablePeriod(models.Model):
    """Dates (both included) on which the person cannot assess."""

    profile = models.ForeignKey(
        AssessorProfile, on_delete=models.CASCADE, related_name="unavailable_periods"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day", "last_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="unavailable_last_not_before_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_day} to {self.last_day}"


class Relationship(models.Model):
    """A relationship a person declared, which makes them not independent of some apprentices.

    A relationship with an apprentice names them by ULN, so it applies to an apprentice who is
    registered later too, and declaring it reveals nothing about who is registered. Removing a
    declaration keeps it, with who removed it and when.
    """

    class Kind(models.TextChoices):
        WORKED_FOR_EMPLOYER = "worked_for_employer", "Worked for the employer"
        WORKED_WITH_EMPLOYER = "worked_with_employer", "Worked with the employer"
        WORKED_FOR_PROVIDER = "worked_for_provider", "Worked for the training provider"
        WORKED_WITH_PROVIDER = "worked_with_provider", "Worked with the training provider"
        KNOWS_APPRENTICE = "knows_apprentice", "Knows or has met the apprentice"

    PARTY = {
        Kind.WORKED_FOR_EMPLOYER: Party.EMPLOYER,
        Kind.WORKED_WITH_EMPLOYER: Party.EMPLOYER,
        Kind.WORKED_FOR_PROVIDER: Party.PROVIDER,
        Kind.WORKED_WITH_PROVIDER: Party.PROVIDER,
        Kind.KNOWS_APPRENTICE: Party.APPRENTICE,
    }

    profile = models.ForeignKey(
        AssessorProfile, on_delete=models.PROTECT, related_name="relationships"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uln = models.CharField("ULN", max_length=10, blank=True)
    apprentice_name = models.CharField(max_length=200, blank=True)
    declared_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-declared_on", "-id"]
        indexes = [
            models.Index(fields=["profile", "removed_at"]),
            models.Index(fields=["organisation", "removed_at"]),
            models.Index(fields=["uln", "removed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.with_whom}"

    @property
    def party(self) -> Party:
        """Whether the relationship is with an employer, a provider or an apprentice."""
        return self.PARTY[self.Kind(self.kind)]

    @property
    def with_whom(self) -> str:
        """The organisation's name, or the apprentice's name and ULN."""
        if self.party == Party.APPRENTICE:
            name = f"{self.apprentice_name} " if self.apprentice_name else ""
            return f"{name}(ULN {self.uln})"
        return self.organisation.name if self.organisation else ""

    @property
    def description(self) -> str:
        """The declaration in words: "worked for the employer Bright Retail"."""
        if self.party == Party.APPRENTICE:
            return f"know or have met the apprentice {self.with_whom}"
        label = self.get_kind_display()
        return f"{label[0].lower()}{label[1:]} {self.with_whom}"


class Allocation(models.Model):
    """One allocation of an assessor and an IQA to a registration. Never deleted."""

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="allocations"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    iqa = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-allocated_at", "-id"]
        indexes = [models.Index(fields=["registration", "-allocated_at"])]

    def __str__(self) -> str:
        return f"{self.assessor} for {self.registration_id} at {self.allocated_at:%Y-%m-%d}"
