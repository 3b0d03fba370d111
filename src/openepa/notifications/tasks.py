"""Background work of notifications: sending one email, at most once, with retries.

:func:`send_notification` holds no transaction or lock while it talks to the mail server
(which waits at most ``EMAIL_TIMEOUT`` seconds at each step). It first marks the email
"sending" with the moment, in one short transaction, then calls the mail server, then records
the outcome in another. So it is safe to run twice, or on two workers at once:

- an email sent, failed or uncertain is left as it is;
- an email "sending" for less than :func:`sending_stale_after` belongs to a live worker and is
  left to it;
- an email "sending" for longer was left by a worker that stopped between the mail server's
  call and recording its outcome. The mail server may have taken it, so it is **not** sent
  again: it becomes "uncertain" (shown as "Delivery not confirmed") for a person to check.
  This is the one place OpenEPA chooses *at most once* over *at least once*: an email twice
  is worse than one a person re-sends.

A failure the mail server reports is retried later with a growing delay, up to
``EMAIL_ATTEMPTS`` tries; then the email is marked not delivered. Every attempt carries the
same ``Message-ID`` (:func:`message_id`), so a mail client that receives it twice (a server
that took it but never answered) can show it once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task

from openepa.kernel import clock
from openepa.notifications.models import Notification

logger = logging.getLogger(__name__)
Status = Notification.Status

STOPPED_WHILE_SENDING = (
    "The worker sending this email stopped before it recorded whether the mail server took "
    "it: it may have been delivered, so it was not sent again automatically."
)


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed tries: 5, 10, 20, 40 minutes... up to a day."""
    return min(timedelta(minutes=5 * 2 ** max(attempts - 1, 0)), timedelta(days=1))


def sending_stale_after() -> timedelta:
    """How long one attempt can take at most: ten waits of ``EMAIL_TIMEOUT`` (5 minutes)."""
    return timedelta(seconds=10 * int(settings.EMAIL_TIMEOUT))


def message_id(notification: Notification) -> str:
    """The email's Message-ID: the same on every attempt, unique to the notification."""
    domain = urlsplit(settings.SITE_URL).hostname or "openepa.invalid"
    return f"<notification-{notification.pk}@{domain}>"


def message_of(notification: Notification) -> EmailMultiAlternatives:
    """The email as it is sent, with its attachments."""
    message = EmailMultiAlternatives(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.to_email],
        headers={"Message-ID": message_id(notification)},
    )
    if notification.html:
        message.attach_alternative(notification.html, "text/html")
    for attachment in notification.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _settle_stale_sending(notification: Notification) -> str:
    """An email left "sending" by a worker that stopped: uncertain, not sent again."""
    notification.status = Status.UNCERTAIN
    notification.last_error = STOPPED_WHILE_SENDING
    notification.save(update_fields=["status", "last_error"])
    logger.warning(
        "Notification %s to %s was left sending since %s: marked uncertain, not sent again",
        notification.pk,
        notification.to_email,
        notification.sending_since,
    )
    return Status.UNCERTAIN


def _claim(notification_id: int) -> Notification | str:
    """The notification, marked sending now; or, when it is not to be sent, its status."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "missing"
        if notification.status == Status.SENDING:
            since = notification.sending_since
            if since is not None and since > clock.now() - sending_stale_after():
                return Status.SENDING  # a live worker is sending it now
            return _settle_stale_sending(notification)
        if notification.status != Status.QUEUED:
            return notification.status
        notification.status = Status.SENDING
        notification.sending_since = clock.now()
        notification.attempts += 1
        notification.save(update_fields=["status", "sending_since", "attempts"])
        return notification


def _record_sent(claimed: Notification) -> str:
    """Record that the mail server took the email (even if it was meanwhile called uncertain)."""
    Notification.objects.filter(
        pk=claimed.pk,
        status__in=[Status.SENDING, Status.UNCERTAIN],
        sending_since=claimed.sending_since,
    ).update(status=Status.SENT, sent_at=clock.now(), last_error="")
    return Status.SENT


def _record_failure(claimed: Notification, error: Exception) -> timedelta | None:
    """Record a failed attempt: queued again (returns the wait) or, at the last, failed."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=claimed.pk)
        if (notification.status, notification.sending_since) != (
            Status.SENDING,
            claimed.sending_since,
        ):
            return None  # settled elsewhere meanwhile
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        retry_in = None
        if notification.attempts >= settings.EMAIL_ATTEMPTS:
            notification.status = Status.FAILED
            logger.warning(
                "Notification %s to %s not delivered after %s attempts: %s",
                notification.pk,
                notification.to_email,
                notification.attempts,
                notification.last_error,
            )
        else:
            notification.status = Status.QUEUED
            retry_in = backoff(notification.attempts)
        notification.save(update_fields=["last_error", "status"])
        return retry_in


def _retry_later(notification_id: int, retry_in: timedelta) -> None:
    if send_notification.get_backend().supports_defer:
        send_notification.using(run_after=clock.now() + retry_in).enqueue(notification_id)
    else:  # a backend that cannot wait (the one tests use) tries again at once
        send_notification.enqueue(notification_id)


@task()
def send_notification(notification_id: int) -> str:
    """Send one notification at most once; retry later if the mail server refuses it."""
    claimed = _claim(notification_id)
    if isinstance(claimed, str):
        return claimed
    try:
        message_of(claimed).send()  # outside any transaction, within EMAIL_TIMEOUT
    except Exception as error:  # any failure of the mail server is retried
        retry_in = _record_failure(claimed, error)
        if retry_in is not None:
            _retry_later(notification_id, retry_in)
        return Notification.objects.values_list("status", flat=True).get(pk=notification_id)
    return _record_sent(claimed)
