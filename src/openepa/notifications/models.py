"""What was sent to whom: each email as it was rendered, its attachments and its delivery.

A :class:`Notification` keeps the exact subject, body and attachments that were (or will be)
sent, so a person sees on "Messages" what reached their inbox. ``key`` makes sending
idempotent: one notification per (key, user), whoever asks twice. Its delivery goes
queued, sending (marked, with the moment, before the mail server is called), then sent, or
queued again for a retry, or failed; an email left "sending" by a worker that stopped may
have been delivered, so it becomes "uncertain" and is not sent again automatically.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from openepa.notifications.kinds import KINDS, REMINDER_KINDS


class Notification(models.Model):
    """One email to one person."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not delivered"
        UNCERTAIN = "uncertain", "Delivery not confirmed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    registration = models.ForeignKey(
        "registration.Registration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    kind = models.CharField(max_length=40, choices=[(k.id, k.label) for k in KINDS.values()])
    key = models.CharField(max_length=200, help_text="One notification per key and person.")
    subject = models.CharField(max_length=250)
    body = models.TextField()
    html = models.TextField(blank=True)
    to_email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sending_since = models.DateTimeField(
        null=True, blank=True, help_text="When the latest attempt to send it began."
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "user"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["status", "created_at"], name="notification_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_email}"


class NotificationAttachment(models.Model):
    """A file sent with a notification (a calendar invitation, a results letter)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def size(self) -> int:
        return len(self.content)


class NotificationPreference(models.Model):
    """Whether a person wants one kind of reminder (no row: they do)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=[(k, KINDS[k].label) for k in REMINDER_KINDS])
    wants = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'on' if self.wants else 'off'}"
