"""A registration's EPA record and certificate at the assessment service, for its pages.

:func:`service_items_of` gives each item with its state in words, reference and the time of
its last exchange with the service, in one query; the snippet
``registration/service_items.html`` shows them on the registration's page and its claim's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

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


def state_words(item: ServiceItem) -> str:
    """The item's state as a person reads it, from waiting to delivered."""
    if item.state in (State.WAITING, State.SENDING):
        if item.last_error:
            return f"Waiting to be sent: {item.last_error}"
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
    return [
        ItemShown(item, state_words(item), getattr(item, "last_exchange_at", None))
        for item in sorted(items, key=lambda item: item.kind != ServiceItem.Kind.EPA)
    ]
