"""Background work of notifications: sending one email, with retries.

:func:`send_notification` is safe to run twice: it locks the notification and sends nothing
if it was already sent. A failure is recorded and retried later with a growing delay, up to
``EMAIL_ATTEMPTS`` tries; then the notification is marked not delivered.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task

from openepa.kernel import clock
from openepa.notifications.models import Notification

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed tries: 5, 10, 20, 40 minutes... up to a day."""
    return min(timedelta(minutes=5 * 2 ** max(attempts - 1, 0)), timedelta(days=1))


def message_of(notification: Notification) -> EmailMultiAlternatives:
    """The email as it is sent, with its attachments."""
    message = EmailMultiAlternatives(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.to_email],
    )
    if notification.html:
        message.attach_alternative(notification.html, "text/html")
    for attachment in notification.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


@task()
def send_notification(notification_id: int) -> str:
    """Send one notification unless it was already sent; retry later if sending fails."""
    retry_in: timedelta | None = None
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "missing"
        if notification.status in (Notification.Status.SENT, Notification.Status.FAILED):
            return notification.status
        notification.attempts += 1
        try:
            message_of(notification).send()
        except Exception as error:  # any failure of the mail server is retried
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notification.attempts >= settings.EMAIL_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                logger.warning(
                    "Notification %s to %s not delivered after %s attempts: %s",
                    notification.pk,
                    notification.to_email,
                    notification.attempts,
                    notification.last_error,
                )
            else:
                notification.status = Notification.Status.QUEUED
                retry_in = backoff(notification.attempts)
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = clock.now()
            notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if retry_in is not None:
        if send_notification.get_backend().supports_defer:
            send_notification.using(run_after=clock.now() + retry_in).enqueue(notification_id)
        else:  # a backend that cannot wait (the one tests use) tries again at once
            send_notification.enqueue(notification_id)
    return notification.status
