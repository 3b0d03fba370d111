"""Looking up the apprentices whose certificate is due but who were never looked up.

A certificate is sent only for a claim that passes its checks, and with the service
configured a claim needs a current look-up that matched the apprentice. Apprentices registered
before the service was configured (or whose look-up was never asked) would so hold their
certificates for ever: before each sending, the sync command and the daily work ask the
service about them (:func:`ask_missing_lookups`), then run the look-ups due.
"""

from __future__ import annotations

from openepa.kernel.service_client import configured
from openepa.registration.learner_checks import request_checks
from openepa.registration.models import Registration
from openepa.registration.service_models import LearnerCheck, ServiceItem

#: How many apprentices are asked about in one go (the sync command and the daily work).
LOOKUP_LIMIT = 500

NOT_YET_ACCEPTED = (ServiceItem.State.WAITING, ServiceItem.State.HELD, ServiceItem.State.REFUSED)


def registrations_to_look_up(limit: int = LOOKUP_LIMIT) -> list[Registration]:
    """Registrations with a certificate not yet accepted at the service and no current check."""
    return list(
        Registration.objects.filter(
            service_items__kind=ServiceItem.Kind.CERTIFICATE,
            service_items__state__in=NOT_YET_ACCEPTED,
        )
        .exclude(learner_checks__current=True)
        .select_related("apprentice")
        .distinct()
        .order_by("pk")[:limit]
    )


def ask_missing_lookups(limit: int = LOOKUP_LIMIT) -> int:
    """Ask the service about each apprentice :func:`registrations_to_look_up` finds.

    Returns how many were asked about; none when the service is not configured.
    """
    if not configured():
        return 0
    registrations = registrations_to_look_up(limit)
    request_checks(registrations, LearnerCheck.Reason.CLAIM)
    return len(registrations)
