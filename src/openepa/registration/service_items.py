"""A registration's EPA record and certificate at the assessment service, for its pages.

:func:`service_items_of` gives each item with its state in words, reference and the time of
its last exchange with the service, in one query; the snippet
``registration/service_items.html`` shows them on the registration's page and its claim's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from openepa.kernel import service_client
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem

State = ServiceItem.State

DELIVERED = "Delivered"
PRINTED = ("Printed", "SentToPrinter", "Reprint")
# das-assessor-service Api.External/Controllers/CertificateController.cs ("WaitingForDelivery"
# for a printed certificate) and Models/Response/Certificates/Delivered.cs.
DELIVERY_WORDS = {
    "WaitingForDelivery": "waiting for delivery",
    "Delivered": "delivered",
    "NotDelivered": "not delivered",
}


def held_words(reason: str) -> str:
    """A held item's state in words: "Held: " and the reason."""
    return f"Held: {reason}" if reason else "Held"


# The raw errors of the connection (httpx, the operating system) and their words.
CONNECTION_WORDS = (
    ("connection refused", "connection refused"),
    ("name or service not known", "its address is not known: check ASSESSMENT_SERVICE_URL"),
    ("nodename nor servname", "its address is not known: check ASSESSMENT_SERVICE_URL"),
    ("temporary failure in name resolution", "its address could not be looked up"),
    ("network is unreachable", "the network is unreachable"),
    ("connection reset", "the connection was cut"),
    ("certificate verify failed", "its security certificate was not accepted"),
)
UNREACHED = re.compile(r"^The service could not be reached \((?P<raw>.*)\)$", re.DOTALL)


def admin_words(error: str) -> str:
    """A sending error as an admin reads it, the raw text of the connection left out.

    "the service could not be reached (connection refused)" rather than "The service could
    not be reached ([Errno 111] Connection refused)"; other errors unchanged. The raw text
    stays in the exchange log.
    """
    found = UNREACHED.match(error.strip())
    if found is None:
        return error
    raw = found.group("raw").lower()
    for needle, words in CONNECTION_WORDS:
        if needle in raw:
            return f"the service could not be reached ({words})"
    return "the service could not be reached"


@dataclass(frozen=True)
class ItemShown:
    """One item as the registration's pages show it."""

    item: ServiceItem
    words: str
    last_exchange_at: datetime | None

    @property
    def delivery(self) -> str:
        """The certificate's delivery in words ("" when the service said nothing of it)."""
        status = self.item.delivery_status
        return DELIVERY_WORDS.get(status, status)

    @property
    def refused(self) -> bool:
        """Whether the service refused it (its messages are shown)."""
        return self.item.state == State.REFUSED


NOT_CONFIGURED = (
    "Not sent: sending to the apprenticeship assessment service is not configured "
    "(ASSESSMENT_SERVICE_URL is not set)"
)


def state_words(item: ServiceItem, *, configured: bool = True) -> str:
    """The item's state as a person reads it, from held or waiting to delivered."""
    if item.state == State.HELD:
        return held_words(item.held_reason)
    if item.state in (State.WAITING, State.SENDING):
        if not configured:
            return NOT_CONFIGURED
        if item.last_error:
            return f"Waiting to be sent: {admin_words(item.last_error)}"
        return "Waiting to be sent"
    if item.state == State.REFUSED:
        return "Refused by the service"
    if item.state == State.SENT:
        return "Sent to the service"
    if item.service_status == DELIVERED:
        return "Submitted, printed and delivered"
    if item.service_status == "NotDelivered":
        return "Submitted and printed, but not delivered"
    if item.printed_at or item.service_status in PRINTED:
        return "Submitted and printed"
    return "Submitted"


def service_items_of(registration: Registration) -> list[ItemShown]:
    """The registration's EPA record and certificate, each with its last exchange's time."""
    items = ServiceItem.objects.filter(registration_id=registration.pk).annotate(
        last_exchange_at=Max("exchanges__at")
    )
    on = service_client.configured()
    return [
        ItemShown(item, state_words(item, configured=on), getattr(item, "last_exchange_at", None))
        for item in sorted(items, key=lambda item: item.kind != ServiceItem.Kind.EPA)
    ]
