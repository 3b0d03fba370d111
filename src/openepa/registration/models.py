"""Apprentices and their registrations for end-point assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from openepa.accounts.validators import validate_uln


class Apprentice(models.Model):
    """A person, identified by their unique learner number (ULN) within one EPAO."""

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    uln = models.CharField("ULN", max_length=10, validators=[validate_uln])
    given_names = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="apprentice",
    )

    class Meta:
        ordering = ["family_name", "given_names"]
        constraints = [models.UniqueConstraint(fields=["epao", "uln"], name="unique_uln_per_epao")]
        indexes = [models.Index(fields=["epao", "family_name", "given_names"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Given names then family name."""
        return f"{self.given_names} {self.family_name}"


class Registration(models.Model):
    """One apprentice registered for the end-point assessment of one standard."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        GATEWAY = "gateway", "Gateway in progress"
        GATEWAY_ACCEPTED = "gateway_accepted", "Gateway accepted"
        ON_HOLD = "on_hold", "On hold"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    LIVE = (Status.REGISTERED, Status.GATEWAY, Status.GATEWAY_ACCEPTED, Status.ON_HOLD)

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    apprentice = models.ForeignKey(
        Apprentice, on_delete=models.PROTECT, related_name="registrations"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="provider_registrations"
    )
    employer = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="employer_registrations"
    )
    specification = models.ForeignKey(
        "specifications.SpecificationRecord", on_delete=models.PROTECT, related_name="+"
    )
    standard = models.CharField(max_length=6)
    version = models.CharField(max_length=8)
    start_date = models.DateField("apprenticeship start date")
    on_programme_end_date = models.DateField("on-programme end date")
    planned_assessment_month = models.DateField(help_text="The first day of the month.")
    reasonable_adjustments = models.TextField(blank=True)
    address_line_1 = models.CharField(max_length=100)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60)
    postcode = models.CharField(max_length=10)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    gateway_date = models.DateField(null=True, blank=True)
    epa_window_end = models.DateField("EPA window end", null=True, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessed_registrations",
    )
    iqa = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_assured_registrations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprentice", "standard"],
                condition=Q(status__in=["registered", "gateway", "gateway_accepted", "on_hold"]),
                name="one_live_registration_per_standard",
            )
        ]
        indexes = [
            models.Index(fields=["epao", "-created_at"]),
            models.Index(fields=["epao", "status"]),
            models.Index(fields=["provider", "-created_at"]),
            models.Index(fields=["employer", "-created_at"]),
            models.Index(fields=["assessor", "-created_at"]),
            models.Index(fields=["iqa", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.apprentice} on {self.standard} ({self.specification.spec_id})"

    @property
    def is_read_only(self) -> bool:
        """Whether nothing may change any more: the registration was withdrawn."""
        return self.status == self.Status.WITHDRAWN

    @property
    def current_break(self) -> BreakInLearning | None:
        """The break in learning the registration is on hold for, if it is on hold."""
        if self.status != self.Status.ON_HOLD:
            return None
        return self.breaks.filter(resumed_on__isnull=True).order_by("-held_from", "-pk").first()


class BreakInLearning(models.Model):
    """A break in learning: the registration on hold from a date, and when it resumed.

    Kept after the apprentice resumes, with the EPA window end before and after it moved.
    """

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="breaks")
    held_from = models.DateField("on hold from")
    expected_return = models.DateField()
    reason = models.TextField()
    status_before = models.CharField(max_length=20, choices=Registration.Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    resumed_on = models.DateField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window_end_before = models.DateField(null=True, blank=True)
    window_end_after = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-held_from", "-pk"]
        verbose_name_plural = "breaks in learning"

    def __str__(self) -> str:
        return f"Break in learning of {self.registration.apprentice} from {self.held_from}"


class Transfer(models.Model):
    """A registration moved to another training provider or employer of the EPAO."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", "Training provider"
        EMPLOYER = "employer", "Employer"

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField()
    reason = models.TextField()
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    transferred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.registration.apprentice}: {self.from_organisation} to {self.to_organisation}"


from openepa.registration.service_models import (  # noqa: E402  (Django finds models here)
    CertificateConsent,
    LearnerCheck,
    ServiceExchange,
    ServiceItem,
)

__all__ = [
    "Apprentice",
    "BreakInLearning",
    "CertificateConsent",
    "LearnerCheck",
    "Registration",
    "ServiceExchange",
    "ServiceItem",
    "Transfer",
]
