"""What OpenEPA holds of a registration at the government's apprenticeship assessment service.

- :class:`LearnerCheck`: each look-up of the apprentice at the service, kept;
- :class:`CertificateConsent`: the apprentice's written permission for the EPAO to apply for
  their certificate, as recorded (never deleted: a withdrawal is recorded beside it);
- :class:`ServiceItem`: the learner's EPA record or certificate as OpenEPA keeps it in step at
  the service: what is due, what was sent, what the service answered;
- :class:`ServiceExchange`: every request about an item and the service's answer, kept.

They live with the registration (the lowest app that knows the apprentice) so that every page
of the registration, its claim and its gateway may show them; the work of sending is done by
:mod:`openepa.assessment_service`, the work of looking up by
:mod:`openepa.registration.learner_checks`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LearnerCheck(models.Model):
    """One look-up of the apprentice at the service: what was asked and what it holds."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Waiting to be checked"
        MATCHED = "matched", "Found, details match"
        NAME_DIFFERS = "name_differs", "Found, but the family name differs"
        WITHDRAWN = "withdrawn", "Withdrawn at the service"
        NOT_FOUND = "not_found", "Not found at the service"
        UNAVAILABLE = "unavailable", "Could not be checked"

    FLAGGED = (Outcome.NAME_DIFFERS, Outcome.WITHDRAWN, Outcome.NOT_FOUND)

    class Reason(models.TextChoices):
        REGISTRATION = "registration", "At registration"
        GATEWAY = "gateway", "Before gateway"
        CLAIM = "claim", "Before the certificate claim"
        REQUESTED = "requested", "Asked for by an EPAO admin"
        CORRECTION = "correction", "After the ULN or family name was corrected"

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="learner_checks"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.WAITING)
    current = models.BooleanField(
        default=True, help_text="The registration's latest check (earlier ones are kept)."
    )
    uln = models.CharField("ULN asked", max_length=10)
    family_name = models.CharField("family name asked", max_length=100)
    standard = models.CharField("standard asked", max_length=10)
    held_given_names = models.CharField(max_length=200, blank=True)
    held_family_name = models.CharField(max_length=100, blank=True)
    held_version = models.CharField(max_length=10, blank=True)
    held_course_option = models.CharField(max_length=200, blank=True)
    completion_status = models.PositiveSmallIntegerField(null=True, blank=True)
    epa_reference = models.CharField(max_length=20, blank=True)
    certificate_reference = models.CharField(max_length=20, blank=True)
    certificate_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True, help_text="The service's words, or the error.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times the service was asked."
    )
    next_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not asked again before then: a worker is asking now, or the next try.",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(current=True),
                name="one_current_learner_check",
            )
        ]
        indexes = [
            models.Index(fields=["registration", "-requested_at"]),
            models.Index(fields=["epao", "current", "outcome", "-requested_at"]),
            models.Index(fields=["outcome", "requested_at"]),
            models.Index(fields=["current", "outcome", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"Check of {self.uln} {self.family_name} ({self.get_outcome_display()})"


class CertificateConsent(models.Model):
    """The apprentice's written permission for the EPAO to apply for their certificate.

    Given by the apprentice in OpenEPA, or recorded by an EPAO admin with the evidence held
    (a signed form, an email). A withdrawal is recorded on the row; nothing is deleted.
    """

    class Source(models.TextChoices):
        APPRENTICE = "apprentice", "Given by the apprentice in OpenEPA"
        EVIDENCE = "evidence", "Recorded by the EPAO with evidence"

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="certificate_consents"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    statement = models.TextField(help_text="The words the apprentice agreed to.")
    evidence = models.TextField(blank=True, help_text="What the EPAO holds, and where.")
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_certificate_consent_in_force",
            )
        ]
        indexes = [models.Index(fields=["registration", "-recorded_at"])]

    def __str__(self) -> str:
        return f"Certificate consent for {self.registration_id} ({self.get_source_display()})"

    @property
    def in_force(self) -> bool:
        """Whether the permission stands (it was not withdrawn)."""
        return self.withdrawn_at is None


class ServiceItem(models.Model):
    """A learner's EPA record or certificate as OpenEPA keeps it in step at the service.

    ``payload`` is the item as it is due to be sent (without its ``requestId``) and
    ``payload_hash`` its fingerprint; ``sent_hash`` is the fingerprint of what the service last
    accepted and ``refused_hash`` of what it last refused, so that nothing is sent twice and a
    refused item is not sent again until it changes. ``reference`` is the service's
    ``epaReference`` or ``certificateReference`` once it gave one: a certificate created is
    then only ever updated or submitted, never created again.
    """

    class Kind(models.TextChoices):
        EPA = "epa", "EPA record"
        CERTIFICATE = "certificate", "Certificate"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to send"
        HELD = "held", "Held"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused by the service"
        SUBMITTED = "submitted", "Submitted"

    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="service_items"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    claim_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The certificate claim, for a certificate."
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    payload = models.JSONField(default=dict)
    payload_hash = models.CharField(max_length=64, blank=True)
    sent_hash = models.CharField(max_length=64, blank=True)
    refused_hash = models.CharField(max_length=64, blank=True)
    reference = models.CharField(max_length=20, blank=True)
    messages = models.JSONField(default=list, blank=True)
    submit_requested_at = models.DateTimeField(null=True, blank=True)
    submit_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_status = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    delivery_status = models.CharField(max_length=40, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    status_checked_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    batch = models.CharField(max_length=36, blank=True)
    last_error = models.TextField(blank=True)
    held_reason = models.TextField(
        blank=True,
        help_text="Why the item is not sent while it is due (the claim in draft or failing "
        "its checks, no LARS code); empty when nothing holds it.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind"], name="one_service_item_per_kind"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["epao", "state", "-updated_at"]),
            models.Index(fields=["kind", "service_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of registration {self.registration_id}"


class ServiceExchange(models.Model):
    """One request about an item and the service's answer to it; never deleted."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="exchanges")
    batch = models.CharField(max_length=36)
    action = models.CharField(max_length=20, help_text="create, update, submit, status...")
    request_id = models.CharField(max_length=60, blank=True)
    request = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(
        max_length=20, help_text="accepted, refused, unavailable, or refused whole"
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    messages = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "at", "pk"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.action} of item {self.item_id}: {self.outcome}"
