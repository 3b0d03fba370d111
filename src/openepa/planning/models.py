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


class AssessmentPlan(models.Model):
    """The plan agreed at the planning meeting: each method's date, mode and adjustments.

    The apprentice and the assessor each sign their agreement as themselves (seed 002's
    declarations), and the employer is told. Submission dates recorded here feed the
    booking rules and the timeline.
    """

    registration = models.OneToOneField(
        "registration.Registration", on_delete=models.PROTECT, related_name="plan"
    )
    meeting_on = models.DateField("planning meeting date", null=True, blank=True)
    meeting_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    apprentice_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    apprentice_signed_at = models.DateTimeField(null=True, blank=True)
    assessor_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessor_signed_at = models.DateTimeField(null=True, blank=True)
    employer_told_at = models.DateTimeField(null=True, blank=True)
    gateway_form_sent_on = models.DateField(null=True, blank=True)
    gateway_evidence_uploaded_on = models.DateField(null=True, blank=True)
    portfolio_submitted_on = models.DateField(null=True, blank=True)
    report_submitted_on = models.DateField(null=True, blank=True)
    project_started_on = models.DateField(null=True, blank=True)
    project_completed_on = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Assessment plan for {self.registration}"

    @property
    def agreed(self) -> bool:
        """Both the apprentice and the assessor have signed."""
        return self.apprentice_signed_at is not None and self.assessor_signed_at is not None


class PlannedMethod(models.Model):
    """One method in the plan: when, how, and any reasonable adjustment recorded at planning."""

    plan = models.ForeignKey(AssessmentPlan, on_delete=models.CASCADE, related_name="methods")
    method_id = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField()
    planned_date = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=16, blank=True)
    reasonable_adjustment = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "method_id"], name="one_planned_method_each")
        ]

    def __str__(self) -> str:
        return f"{self.method_id} planned for {self.planned_date}"


class Booking(models.Model):
    """One method booked for one apprentice, checked against the specification's rules.

    A booking is moved, never deleted: each move keeps a :class:`BookingChange` with the old
    and new values, who and why (extenuating circumstances).
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="bookings"
    )
    method_id = models.CharField(max_length=32)
    on = models.DateField("assessment date")
    starts_at = models.TimeField(null=True, blank=True)
    minutes = models.JSONField(default=list, help_text="Minutes of each occasion.")
    mode = models.CharField(max_length=16)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_on = models.DateField()
    booked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    warnings = models.JSONField(default=list, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["registration", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "method_id"],
                condition=Q(status="booked"),
                name="one_live_booking_per_method",
            )
        ]
        indexes = [
            models.Index(fields=["assessor", "on"]),
            models.Index(fields=["status", "on"]),
        ]

    def __str__(self) -> str:
        return f"{self.method_id} on {self.on}"


class BookingChange(models.Model):
    """A move (or cancellation) of a booking: old and new values, who, when and why."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old_on = models.DateField()
    new_on = models.DateField(null=True, blank=True)
    old_minutes = models.JSONField(default=list)
    new_minutes = models.JSONField(default=list)
    old_mode = models.CharField(max_length=16)
    new_mode = models.CharField(max_length=16, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["booking", "changed_at"]

    def __str__(self) -> str:
        return f"{self.booking} moved from {self.old_on} to {self.new_on}"


class CalendarFeed(models.Model):
    """A person's private iCalendar feed: a secret URL, stored only as its hash, renewable."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
