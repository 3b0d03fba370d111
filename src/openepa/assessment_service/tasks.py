"""Background work of the assessment service: sending what is due, following certificates.

- :func:`send_to_service` is enqueued when an item becomes due (once its transaction commits),
  by the daily sweep and by an EPAO admin's "Send now". Safe to run twice or on two workers at
  once (see :mod:`openepa.assessment_service.sending`). After the service was unavailable it
  enqueues itself again for the earliest next try, up to ``ASSESSMENT_SERVICE_ATTEMPTS``
  tries of an item; after that the daily sweep, "Send now" and the sync command try again.
- :func:`follow_certificates` asks the service about every submitted certificate, daily.
- :func:`check_learners_due` looks up the learners whose check is waiting or due again
  (:func:`openepa.registration.learner_checks.run_due_checks`), daily.

Neither does anything, nor fails, when ASSESSMENT_SERVICE_URL is empty.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Min
from django_tasks import task

from openepa.assessment_service import certificates, sending
from openepa.assessment_service.lookups import ask_missing_lookups
from openepa.kernel import clock
from openepa.kernel.service_client import configured
from openepa.registration.learner_checks import run_due_checks
from openepa.registration.service_models import ServiceItem


def next_try() -> Any:
    """The earliest next try of an item waiting after a failure, within its attempts; or None."""
    return (
        ServiceItem.objects.filter(
            state=ServiceItem.State.WAITING,
            next_attempt_at__gt=clock.now(),
            attempts__lt=settings.ASSESSMENT_SERVICE_ATTEMPTS,
        )
        .aggregate(first=Min("next_attempt_at"))
        .get("first")
    )


def _retry_later() -> None:
    """Enqueue the sending again for the earliest next try, where the backend can wait."""
    if not send_to_service.get_backend().supports_defer:
        return  # a backend that cannot wait (tests): the sweep and the sync try again
    when = next_try()
    if when is not None:
        send_to_service.using(run_after=when).enqueue()


@task()
def send_to_service(honour_backoff: bool = True) -> dict[str, Any]:
    """Send every item due now (those waiting after a failure only once their delay is over)."""
    if not configured():
        return {"configured": False}
    summary = sending.send_due(honour_backoff=honour_backoff)
    if summary.unsent:
        _retry_later()
    return summary.as_dict()


@task()
def follow_certificates() -> dict[str, Any]:
    """Ask the service for the status of every submitted certificate and keep it."""
    if not configured():
        return {"configured": False}
    followed = certificates.follow_certificates()
    return {
        "configured": True,
        "followed": len(followed),
        "not_checked": sum(1 for line in followed if line.error and not line.status),
    }


@task()
def check_learners_due() -> dict[str, Any]:
    """Look up every learner whose check is waiting, or due again after a failure."""
    if not configured():
        return {"configured": False}
    ask_missing_lookups()
    summary = run_due_checks()
    return {"configured": True, "asked": summary.asked, "flagged": len(summary.flagged)}


def enqueue_daily_work() -> bool:
    """Enqueue the sending and the following of certificates (the daily sweep's part).

    Nothing is enqueued when the service is not configured; returns whether anything was.
    """
    if not configured():
        return False
    check_learners_due.enqueue()
    send_to_service.enqueue()
    follow_certificates.enqueue()
    return True
