"""A claim's certificate at the service: its request, and following it once submitted.

The request is the service's Create/Update Certificate item (das-assessor-service
``Models/Request/Certificates``) built by :func:`openepa.rules.service_api.certificate_request`
from the claim as :class:`~openepa.rules.service.CertificateFields`.

Once submitted, the certificate is printed and posted by the service. :func:`follow_certificates`
asks the service (Get Certificate) for each submitted certificate's status, printed and
delivery details, keeps them on the item and moves the claim to the status the service reports
(:func:`openepa.claims.service_records.record_from_service`). It holds no transaction while it
asks; each answer is recorded in its own short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openepa.accounts.models import User
from openepa.claims.models import CertificateClaim
from openepa.claims.service_records import record_from_service
from openepa.claims.services import certificate_fields as claims_certificate_fields
from openepa.kernel import clock
from openepa.kernel.service_client import (
    AssessmentServiceClient,
    ServiceRefused,
    ServiceUnavailable,
    client,
    configured,
)
from openepa.registration.service_models import ServiceExchange, ServiceItem
from openepa.rules.dates import long_date
from openepa.rules.service import CERTIFICATE_STATUS_WORDS, CertificateFields
from openepa.rules.service_api import CertificateState, certificate_request

# das-assessor-service Domain/Consts/CertificateStatus.cs: a delivered certificate is done.
FINAL_STATUSES = ("Delivered",)


def certificate_fields(claim: CertificateClaim) -> CertificateFields:
    """The claim as the service's certificate request carries it (the claims' own reading)."""
    return claims_certificate_fields(claim)


def certificate_payload(claim: CertificateClaim) -> dict[str, Any]:
    """The claim's Create Certificate request without its ``requestId``."""
    payload = certificate_request(certificate_fields(claim), "")
    del payload["requestId"]
    return payload


def status_words(status: str) -> str:
    """The service's certificate status in its own display words."""
    return CERTIFICATE_STATUS_WORDS.get(status, status)


# --- following submitted certificates ------------------------------------------------------


@dataclass(frozen=True)
class Followed:
    """What the service said of one submitted certificate (or why it could not be asked)."""

    item_pk: int
    name: str
    uln: str
    reference: str
    status: str = ""
    error: str = ""
    reached: bool = True

    @property
    def words(self) -> str:
        """One line for a person: the learner, the reference and the status or the error."""
        said = f"{status_words(self.status)}" if self.status else f"not checked: {self.error}"
        return f"{self.name} (ULN {self.uln}), certificate {self.reference}: {said}"


def _detail(state: CertificateState) -> str:
    """The printed and delivery details of a certificate, in words."""
    parts = []
    if state.printed_at:
        parts.append(f"printed on {long_date(state.printed_at.date())}")
    if state.delivery_status:
        delivered = f" on {long_date(state.delivered_on.date())}" if state.delivered_on else ""
        parts.append(f"delivery: {state.delivery_status}{delivered}")
    return ", ".join(parts)


def submitted_certificates(limit: int | None = None) -> list[ServiceItem]:
    """The submitted certificates not yet delivered, the least recently checked first."""
    items = (
        ServiceItem.objects.filter(
            kind=ServiceItem.Kind.CERTIFICATE, state=ServiceItem.State.SUBMITTED
        )
        .filter(~Q(service_status__in=FINAL_STATUSES))
        .select_related("registration__apprentice")
        .order_by("status_checked_at", "pk")
    )
    return list(items[:limit] if limit else items)


def _aware(moment: datetime | None) -> datetime | None:
    """A moment of the service's: its DateTimes without a zone are UTC (``DateTime.UtcNow``)."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, UTC)


@transaction.atomic
def _record_state(
    item: ServiceItem, state: CertificateState | None, actor: User | None, batch: str
) -> str:
    """Keep what the service said of the certificate on the item and the claim."""
    fresh = ServiceItem.objects.select_for_update().get(pk=item.pk)
    now = clock.now()
    status = state.status if state else ""
    ServiceExchange.objects.create(
        item=fresh,
        batch=batch,
        action="status",
        outcome="accepted" if state else "none",
        http_status=200 if state else 204,
        request={"reference": fresh.reference},
        messages=[status_words(status)] if status else [],
        actor=actor,
        at=now,
    )
    fresh.status_checked_at = now
    if state is not None:
        fresh.service_status = status
        fresh.printed_at = _aware(state.printed_at) or fresh.printed_at
        fresh.delivery_status = state.delivery_status
        fresh.delivered_at = _aware(state.delivered_on) or fresh.delivered_at
        if state.submitted_at and fresh.submitted_at is None:
            fresh.submitted_at = _aware(state.submitted_at)
    fresh.save()
    claim = CertificateClaim.objects.filter(pk=fresh.claim_id).first() if fresh.claim_id else None
    if claim is not None and state is not None and status:
        record_from_service(claim, service_status=status, detail=_detail(state))
    return status


@transaction.atomic
def _record_error(
    item: ServiceItem, error: str, status: int | None, actor: User | None, batch: str
) -> None:
    """Keep that the service could not be asked about the certificate, and why."""
    now = clock.now()
    ServiceExchange.objects.create(
        item_id=item.pk,
        batch=batch,
        action="status",
        outcome="unavailable" if status is None else "refused whole",
        http_status=status,
        request={"reference": item.reference},
        error=error[:2000],
        actor=actor,
        at=now,
    )
    ServiceItem.objects.filter(pk=item.pk).update(status_checked_at=now)


def follow_certificates(
    limit: int | None = None,
    *,
    actor: User | None = None,
    service: AssessmentServiceClient | None = None,
) -> list[Followed]:
    """Ask the service for each submitted certificate's status and keep what it says.

    Nothing is asked when the service is not configured. A certificate the service could not
    be asked about is asked again next time.
    """
    if service is None and not configured():
        return []
    items = submitted_certificates(limit)
    if not items:
        return []
    own = service or client()
    batch = f"status-{clock.now():%Y%m%d%H%M%S}"
    followed = []
    try:
        for item in items:
            apprentice = item.registration.apprentice
            learner = item.payload.get("learner") or {}
            standard = item.payload.get("standard") or {}
            code = standard.get("standardCode") or standard.get("standardReference") or ""
            uln = str(learner.get("uln") or apprentice.uln)
            family_name = str(learner.get("familyName") or apprentice.family_name)
            base = Followed(item.pk, apprentice.full_name, uln, item.reference)
            try:
                state = own.get_certificate(uln, family_name, code)
            except ServiceUnavailable as error:
                _record_error(item, error.message, None, actor, batch)
                followed.append(replace(base, error=error.message, reached=False))
                continue
            except ServiceRefused as error:
                _record_error(item, error.message, error.status, actor, batch)
                followed.append(replace(base, error=error.message, reached=False))
                continue
            status = _record_state(item, state, actor, batch)
            followed.append(
                replace(base, status=status, error="" if status else "no certificate found")
            )
    finally:
        if service is None:
            own.close()
    return followed
