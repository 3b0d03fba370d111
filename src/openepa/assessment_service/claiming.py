"""Claiming the items due for one sending run, and releasing what the run left.

Items are claimed in one short transaction: each due item (waiting, past its next try unless
the run ignores the delays; or left "sending" by a stopped worker for longer than
:func:`stale_after`) is marked *sending* with the run's id and the moment. Rows are locked with
``SKIP LOCKED`` where the database has it, and the mark is made only where the item is still
due, so two workers never take the same item. A certificate of a claim back in draft is not
claimed: it waits for the claim to be ready again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from openepa.assessment_service.states import content_due, state_of, submit_due
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.registration.service_models import ServiceItem

Kind = ServiceItem.Kind
State = ServiceItem.State


def stale_after() -> timedelta:
    """How long an item may be "sending" before its worker is taken to have stopped.

    Five times ``ASSESSMENT_SERVICE_TIMEOUT``: longer than any one request can take, since
    the sending marks each item again just before each request.
    """
    return timedelta(seconds=5 * int(settings.ASSESSMENT_SERVICE_TIMEOUT))


@dataclass
class Due:
    """One item claimed by this run, as it was when claimed, and what the run did with it."""

    pk: int
    kind: str
    registration_id: int
    revision: int
    payload: dict[str, Any]
    payload_hash: str
    reference: str
    claim_id: int | None
    content: bool
    submit: bool
    name: str
    uln: str
    family_name: str
    standard: str
    finished: bool = False

    @property
    def request_id(self) -> str:
        """The item's ``requestId``: unique within a request, new at each change of payload."""
        return f"openepa-{self.pk}-{self.revision}"


def _held_claims() -> Any:
    """The claims in draft: their certificates wait until they are ready again."""
    return CertificateClaim.objects.filter(status=CertificateClaim.Status.DRAFT).values("pk")


def _due_filter(now: Any, honour_backoff: bool) -> Q:
    """Items due to be claimed now: waiting (past their next try), or left sending."""
    waiting = Q(state=State.WAITING) & ~Q(kind=Kind.CERTIFICATE, claim_id__in=_held_claims())
    if honour_backoff:
        waiting &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(state=State.SENDING) & (
        Q(sending_since__isnull=True) | Q(sending_since__lt=now - stale_after())
    )
    return waiting | stale


def _standard_of(payload: dict[str, Any]) -> str:
    standard = payload.get("standard") or {}
    return str(standard.get("standardCode") or standard.get("standardReference") or "")


def claim_due(run_id: str, *, honour_backoff: bool, limit: int | None) -> list[Due]:
    """Mark the due items "sending" for run ``run_id``, in one short transaction."""
    now = clock.now()
    due = _due_filter(now, honour_backoff)
    with transaction.atomic():
        candidates = ServiceItem.objects.filter(due).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(
            candidates.values_list("pk", flat=True)[:limit]
            if limit
            else candidates.values_list("pk", flat=True)
        )
        if not pks:
            return []
        # Marked only where still due: a worker that took one meanwhile keeps it.
        ServiceItem.objects.filter(pk__in=pks).filter(due).update(
            state=State.SENDING, batch=run_id, sending_since=now
        )
        items = list(
            ServiceItem.objects.filter(batch=run_id, state=State.SENDING)
            .select_related("registration__apprentice")
            .order_by("pk")
        )
        held = set(
            CertificateClaim.objects.filter(
                pk__in=[item.claim_id for item in items if item.claim_id],
                status=CertificateClaim.Status.DRAFT,
            ).values_list("pk", flat=True)
        )
    claimed = []
    for item in items:
        apprentice = item.registration.apprentice
        learner = item.payload.get("learner") or {}
        sendable = item.kind != Kind.CERTIFICATE or item.claim_id not in held
        claimed.append(
            Due(
                pk=item.pk,
                kind=item.kind,
                registration_id=item.registration_id,
                revision=item.revision,
                payload=item.payload,
                payload_hash=item.payload_hash,
                reference=item.reference,
                claim_id=item.claim_id,
                content=sendable and content_due(item),
                submit=sendable and submit_due(item),
                name=apprentice.full_name,
                uln=str(learner.get("uln") or apprentice.uln),
                family_name=str(learner.get("familyName") or apprentice.family_name),
                standard=_standard_of(item.payload),
            )
        )
    return claimed


def release(run_id: str) -> int:
    """Settle every item still marked sending by run ``run_id`` (its work ended early)."""
    with transaction.atomic():
        items = list(
            ServiceItem.objects.select_for_update().filter(batch=run_id, state=State.SENDING)
        )
        for item in items:
            item.state = state_of(item)
            item.save(update_fields=["state"])
    return len(items)
