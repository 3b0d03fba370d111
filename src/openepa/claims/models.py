"""Certificate claims to the apprenticeship assessment service, and their history.

One claim is drafted for each released result the apprentice achieved. Its fields are those
of the service's certificate request. A claim is never deleted and never silently changed:
every edit and every status move adds a :class:`ClaimChange` with who, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openepa.rules.claims import STATUS_LABELS


class CertificateClaim(models.Model):
    """A claim for one achieved result's certificate, in the service's words."""

    class Status(models.TextChoices):
        DRAFT = "draft", STATUS_LABELS["draft"]
        READY = "ready", STATUS_LABELS["ready"]
        SUBMITTED = "submitted", STATUS_LABELS["submitted"]
        SENT_TO_PRINTER = "sent_to_printer", STATUS_LABELS["sent_to_printer"]
        PRINTED = "printed", STATUS_LABELS["printed"]
        DELIVERED = "delivered", STATUS_LABELS["delivered"]
        NOT_DELIVERED = "not_delivered", STATUS_LABELS["not_delivered"]

    class Recipient(models.TextChoices):
        APPRENTICE = "apprentice", "The apprentice"
        EMPLOYER = "employer", "The employer"

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="certificate_claims"
    )
    result = models.OneToOneField(
        "results.Result", on_delete=models.PROTECT, related_name="certificate_claim"
    )
    uln = models.CharField("ULN", max_length=10)
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=100)
    standard_reference = models.CharField(max_length=6)
    standard_code = models.PositiveSmallIntegerField(
        "standard code (LARS)",
        null=True,
        blank=True,
        help_text="The standard's LARS code when the claim was drafted or last marked ready; "
        "the code checked and sent is always the standard's own.",
    )
    version = models.CharField(max_length=8)
    option = models.CharField("course option", max_length=100, blank=True)
    overall_grade = models.CharField(max_length=30)
    achievement_date = models.DateField(null=True, blank=True)
    recipient = models.CharField(
        max_length=12, choices=Recipient.choices, default=Recipient.APPRENTICE
    )
    contact_name = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    # Up to 210: a former fourth line was moved into the third ("line 3, line 4").
    address_line_3 = models.CharField(max_length=210, blank=True)
    city = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    certificate_reference = models.CharField(
        max_length=20,
        blank=True,
        help_text="The reference the assessment service gave the certificate.",
    )
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["epao", "status", "-created_at"]),
            models.Index(fields=["epao", "family_name", "given_names"]),
        ]

    def __str__(self) -> str:
        return f"Certificate claim for {self.given_names} {self.family_name} ({self.uln})"

    @property
    def full_name(self) -> str:
        """Given names then family name, as the certificate shows them."""
        return f"{self.given_names} {self.family_name}"


class ClaimChange(models.Model):
    """One change to a claim: a field's old and new value, or a status move; never deleted."""

    claim = models.ForeignKey(CertificateClaim, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=40)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    revision = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} to {self.new}"
