"""Keeping each registration's EPA record and certificate due at the service (no network).

One :class:`ServiceItem` per registration and kind holds what is due to be sent: its
``payload`` (the request without its ``requestId``) and ``payload_hash``, the fingerprint of
its canonical JSON. The item is *waiting* while its payload differs from what the service last
accepted (``sent_hash``) and from what it last refused (``refused_hash``), or while a submit is
requested and not yet done; otherwise it is *sent*, *refused* or *submitted*. So nothing
unchanged is ever sent again, and a refused item waits until it changes.

These functions run inside the caller's transaction (an event's publisher); what leaves the
database, the sending, is enqueued once that transaction commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from openepa.accounts.models import User
from openepa.assessment_service.certificates import certificate_payload
from openepa.assessment_service.epa_records import epa_payload
from openepa.assessment_service.holds import CLAIM_CHANGED, standard_missing
from openepa.assessment_service.states import settle
from openepa.assessment_service.tasks import send_to_service
from openepa.audit.services import record_event
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.kernel.service_client import configured
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.rules.dates import long_date

Kind = ServiceItem.Kind
State = ServiceItem.State


def canonical_json(payload: dict[str, Any]) -> str:
    """The payload as canonical JSON: keys sorted, no spaces (the same data, the same text)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_hash(payload: dict[str, Any]) -> str:
    """The payload's fingerprint: the SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def enqueue_sending() -> None:
    """Enqueue the sending task once the current transaction commits (if the service is set)."""
    if not configured():
        return
    transaction.on_commit(send_to_service.enqueue)


def _keep(
    registration: Registration,
    kind: str,
    payload: dict[str, Any],
    *,
    claim_id: int | None = None,
    held: str = "",
) -> ServiceItem:
    """The registration's item of ``kind`` with ``payload`` due, created or changed.

    ``held`` is why it may not be sent yet ("" when nothing holds it): the item is then held.
    """
    digest = payload_hash(payload)
    now = clock.now()
    item, created = ServiceItem.objects.select_for_update().get_or_create(
        registration=registration,
        kind=kind,
        defaults={
            "epao_id": registration.epao_id,
            "claim_id": claim_id,
            "payload": payload,
            "payload_hash": digest,
            "held_reason": held,
            "created_at": now,
            "updated_at": now,
        },
    )
    if not created:
        if item.payload_hash != digest:
            item.payload = payload
            item.payload_hash = digest
            item.revision += 1
        if claim_id is not None:
            item.claim_id = claim_id
        item.held_reason = held
        item.updated_at = now
    settle(item)
    item.save()
    if item.state == State.WAITING:
        enqueue_sending()
    return item


@transaction.atomic
def keep_epa_record(registration: Registration) -> ServiceItem | None:
    """The registration's EPA record made due as its results and withdrawal now say.

    None when there is nothing to record yet (no result released, not withdrawn).
    """
    payload = epa_payload(registration)
    if payload is None:
        return None
    return _keep(registration, Kind.EPA, payload, held=standard_missing(payload))


@transaction.atomic
def keep_certificate(claim: CertificateClaim) -> ServiceItem:
    """The claim's certificate made due as the ready claim now reads."""
    return _keep(
        claim.registration, Kind.CERTIFICATE, certificate_payload(claim), claim_id=claim.pk
    )


@transaction.atomic
def hold_certificate(claim: CertificateClaim) -> ServiceItem | None:
    """Hold the claim's certificate until the claim is ready again, its changes kept.

    The payload is rebuilt from the changed claim and held (nothing of a claim in draft is
    sent). A refusal of the certificate is answered by the change: it no longer stands, so the
    claim can be marked ready again, and the corrected certificate is sent then. A submit
    asked for is cancelled: the admin submits the corrected claim again.
    """
    item = (
        ServiceItem.objects.select_for_update()
        .filter(registration_id=claim.registration_id, kind=Kind.CERTIFICATE)
        .first()
    )
    if item is None:
        return None
    payload = certificate_payload(claim)
    digest = payload_hash(payload)
    if item.payload_hash != digest:
        item.payload = payload
        item.payload_hash = digest
        item.revision += 1
    item.refused_hash = ""
    if item.submitted_at is None:
        item.submit_requested_at = None
        item.submit_requested_by = None
    item.held_reason = CLAIM_CHANGED.format(day=long_date(clock.today()))
    item.updated_at = clock.now()
    settle(item)
    item.save()
    return item


@transaction.atomic
def request_submit(claims: Iterable[CertificateClaim], user: User) -> list[ServiceItem]:
    """Ask for each claim's certificate to be submitted, by ``user``, now.

    A claim not yet at the service is made due first (created, then submitted). Asking again
    after the service refused a submit sends the submit again.
    """
    now = clock.now()
    items = []
    for claim in claims:
        keep_certificate(claim)
        item = ServiceItem.objects.select_for_update().get(
            registration_id=claim.registration_id, kind=Kind.CERTIFICATE
        )
        if item.submitted_at is not None:
            items.append(item)
            continue
        item.submit_requested_at = now
        item.submit_requested_by = user
        if item.refused_hash and item.refused_hash == item.sent_hash:
            item.refused_hash = ""  # the submit itself was refused: asked again, try again
        item.updated_at = now
        settle(item)
        item.save()
        items.append(item)
    if any(item.state == State.WAITING for item in items):
        enqueue_sending()
    return items


class SendAgainRefused(Exception):  # noqa: N818 (a refusal with a message for the person)
    """The item cannot be sent again as it is, with the message saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def send_again(item: ServiceItem, user: User, revision: int) -> ServiceItem:
    """An EPAO admin sends a refused item again unchanged (audited); it waits to be sent.

    For a refusal nothing in OpenEPA puts right (the learner's record at the service, the
    EPAO's approval there): once it is corrected at the service, the item is tried again.
    ``revision`` is the one the page showed: refused if the item changed since, or if it is
    no longer refused.
    """
    fresh = (
        ServiceItem.objects.select_for_update().select_related("registration__epao").get(pk=item.pk)
    )
    if fresh.revision != revision or fresh.state != State.REFUSED:
        raise SendAgainRefused(
            "This item changed since the page was shown and is no longer refused as it was: "
            "check the list again"
        )
    fresh.refused_hash = ""  # neither what was accepted nor what was refused: due again
    fresh.next_attempt_at = None
    fresh.attempts = 0
    fresh.updated_at = clock.now()
    settle(fresh)
    fresh.save()
    registration = fresh.registration
    record_event(
        actor=user,
        epao=registration.epao,
        action="assessment_service.send_again",
        obj=fresh,
        registration=registration,
        summary=(
            f"{fresh.get_kind_display()} of {registration.apprentice.full_name} to be sent "
            "again to the assessment service"
        ),
        changes={"state": (State.REFUSED.label, fresh.get_state_display())},
        reason="; ".join(str(message) for message in fresh.messages or []),
    )
    if fresh.state == State.WAITING:
        enqueue_sending()
    return fresh


REBUILT_STATES = (State.WAITING, State.REFUSED, State.HELD)
"""The states of an item not yet accepted at the service: its payload follows a new code."""


def _rebuilt(item: ServiceItem) -> dict[str, Any] | None:
    """The item's payload as its registration or claim reads now (None: nothing to send)."""
    if item.kind == Kind.EPA:
        return epa_payload(item.registration)
    claim = CertificateClaim.objects.filter(pk=item.claim_id).first() if item.claim_id else None
    return certificate_payload(claim) if claim is not None else None


@transaction.atomic
def refresh_standard(epao_id: int, reference: str, batch: int = 100) -> int:
    """Rebuild the payloads of the EPAO's items of standard ``reference`` not yet accepted.

    After the standard's LARS code was set, the EPA records and certificates waiting, refused
    or held carry the new code (an EPA record held for want of one is then due). Read
    ``batch`` items at a time; returns how many changed.
    """
    pks = list(
        ServiceItem.objects.filter(
            epao_id=epao_id, registration__standard=reference, state__in=REBUILT_STATES
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for start in range(0, len(pks), batch):
        items = (
            ServiceItem.objects.select_for_update(of=("self",))
            .select_related("registration__apprentice")
            .filter(pk__in=pks[start : start + batch], state__in=REBUILT_STATES)
        )
        for item in items:
            payload = _rebuilt(item)
            if payload is None:
                continue
            digest = payload_hash(payload)
            if digest == item.payload_hash:
                continue
            item.payload = payload
            item.payload_hash = digest
            item.revision += 1
            if item.kind == Kind.EPA:
                item.held_reason = standard_missing(payload)
            item.updated_at = clock.now()
            settle(item)
            item.save()
            changed += 1
    if changed:
        enqueue_sending()
    return changed
