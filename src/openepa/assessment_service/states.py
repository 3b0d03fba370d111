"""The state of an item at the service, from its fingerprints and its submit (no queries).

An item is *waiting* while its payload differs from what the service last accepted
(``sent_hash``) and from what it last refused (``refused_hash``), or while a submit is asked
for and not done; it is *held* instead while something stops it being sent (``held_reason``:
the claim in draft or failing its checks, no LARS code); otherwise it is *refused*,
*submitted* or *sent*. *Sending* is set only by a
worker that has claimed it (:mod:`openepa.assessment_service.sending`).
"""

from __future__ import annotations

from openepa.registration.service_models import ServiceItem

Kind = ServiceItem.Kind
State = ServiceItem.State


def content_due(item: ServiceItem) -> bool:
    """Whether the item's payload is neither what the service accepted nor what it refused.

    A certificate already submitted is not sent again: the service takes no change to it.
    """
    if not item.payload_hash or item.payload_hash in (item.sent_hash, item.refused_hash):
        return False
    return not (item.kind == Kind.CERTIFICATE and item.submitted_at is not None)


def submit_due(item: ServiceItem) -> bool:
    """Whether a submit of the certificate was asked for, is not done and was not refused."""
    return (
        item.kind == Kind.CERTIFICATE
        and item.submit_requested_at is not None
        and item.submitted_at is None
        and item.payload_hash != item.refused_hash
    )


def state_of(item: ServiceItem) -> str:
    """The state the item's hashes and submit say it is in (never "sending")."""
    if content_due(item) or submit_due(item):
        return State.HELD if item.held_reason else State.WAITING
    if item.refused_hash and item.refused_hash == item.payload_hash:
        return State.REFUSED
    if item.submitted_at is not None:
        return State.SUBMITTED
    return State.SENT


def settle(item: ServiceItem) -> None:
    """Set the item's state from its hashes, unless a worker is sending it now."""
    if item.state != State.SENDING:
        item.state = state_of(item)
