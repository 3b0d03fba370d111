"""Claiming the items due for one sending run, and releasing what the run left.

Items are claimed in one short transaction: each due item (waiting, past its next try unless
the run ignores the delays; or left "sending" by a stopped worker for longer than
:func:`stale_after`) is marked *sending* with the run's id and the moment. Rows are locked with
``SKIP LOCKED`` where the database has it, and the mark is made only where the item is still
due, so two workers never take the same item.

Nothing reaches the service that OpenEPA would not send today: before a certificate is
created, updated or submitted its claim's readiness is checked again (in one batch,
:func:`openepa.claims.readiness.problems_of_many`), and an EPA record needs its standard. An
item that fails is *held*, not sent, with the reason (:func:`hold_failing`). A held
certificate of a ready claim is checked again at each run (the apprentice's permission may be
recorded again); one of a claim in draft waits for the claim to be marked ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from openepa.assessment_service.holds import (
    CLAIM_IN_DRAFT,
    FAILS_CHECKS,
    standard_missing,
)
from openepa.assessment_service.states import content_due, state_of, submit_due
from openepa.claims import readiness
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
    held: str = ""

    @property
    def request_id(self) -> str:
        """The item's ``requestId``: unique within a request, new at each change of payload."""
        return f"openepa-{self.pk}-{self.revision}"


def _ready_claims() -> Any:
    """The ready claims: a held certificate of one is checked again at each run."""
    return CertificateClaim.objects.filter(status=CertificateClaim.Status.READY).values("pk")


def _due_filter(now: Any, honour_backoff: bool) -> Q:
    """Items due to be claimed now: waiting (past their next try), or left sending.

    A certificate held while its ready claim failed a check is taken again to be checked.
    """
    waiting = Q(state=State.WAITING) | Q(
        state=State.HELD, kind=Kind.CERTIFICATE, claim_id__in=_ready_claims()
    )
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
            state=State.SENDING, batch=run_id, sending_since=now, held_reason=""
        )
        items = list(
            ServiceItem.objects.filter(batch=run_id, state=State.SENDING)
            .select_related("registration__apprentice")
            .order_by("pk")
        )
    claimed = []
    for item in items:
        apprentice = item.registration.apprentice
        learner = item.payload.get("learner") or {}
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
                content=content_due(item),
                submit=submit_due(item),
                name=apprentice.full_name,
                uln=str(learner.get("uln") or apprentice.uln),
                family_name=str(learner.get("familyName") or apprentice.family_name),
                standard=_standard_of(item.payload),
            )
        )
    hold_failing(run_id, claimed)
    return claimed


def reasons_to_hold(claimed: list[Due]) -> dict[int, str]:
    """Why each claimed item may not be sent today (by its id); the others are absent.

    A certificate: its claim in draft, or failing a readiness check (the apprentice's
    permission withdrawn, a refusal standing...), read for all the claims in a few queries.
    An EPA record: no standard named (neither LARS code nor reference).
    """
    reasons: dict[int, str] = {}
    for due in claimed:
        if due.kind == Kind.EPA and due.content:
            missing = standard_missing(due.payload)
            if missing:
                reasons[due.pk] = missing
    certificates = [
        due for due in claimed if due.kind == Kind.CERTIFICATE and (due.content or due.submit)
    ]
    if not certificates:
        return reasons
    claims = {
        claim.pk: claim
        for claim in CertificateClaim.objects.filter(
            pk__in=[due.claim_id for due in certificates if due.claim_id]
        ).select_related(*readiness.RELATED)
    }
    draft = CertificateClaim.Status.DRAFT
    checkable = [claim for claim in claims.values() if claim.status != draft]
    problems = readiness.problems_of_many(checkable)
    for due in certificates:
        claim = claims.get(due.claim_id or 0)
        if claim is None:
            continue
        if claim.status == CertificateClaim.Status.DRAFT:
            reasons[due.pk] = CLAIM_IN_DRAFT
        elif problems.get(claim.pk):
            reasons[due.pk] = FAILS_CHECKS.format(problems="; ".join(problems[claim.pk]))
    return reasons


def hold_failing(run_id: str, claimed: list[Due]) -> None:
    """Hold, not send, each claimed item that may not be sent today, with the reason."""
    reasons = reasons_to_hold(claimed)
    if not reasons:
        return
    by_reason: dict[str, list[int]] = {}
    for pk, reason in reasons.items():
        by_reason.setdefault(reason, []).append(pk)
    with transaction.atomic():
        for reason, pks in by_reason.items():
            ServiceItem.objects.filter(pk__in=pks, batch=run_id, state=State.SENDING).update(
                state=State.HELD, held_reason=reason
            )
    for due in claimed:
        if due.pk in reasons:
            due.held = reasons[due.pk]
            due.content = due.submit = False
            due.finished = True


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
