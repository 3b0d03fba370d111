"""What the assessment service says of a claim's certificate, written into the claim.

The sending app (:mod:`openepa.assessment_service`) calls :func:`record_from_service` with the
service's own status name (das-assessor-service ``Domain/Consts/CertificateStatus.cs``) and
the certificate reference it gave. The claim's status follows the service's; each move is kept
as a :class:`~openepa.claims.models.ClaimChange` by nobody (the service) with the reason.
"""

from __future__ import annotations

from django.db import transaction

from openepa.audit.services import record_event
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.kernel import clock
from openepa.rules.service import CERTIFICATE_STATUS_WORDS

# The service's status names, and the claim status each means in OpenEPA. Statuses the service
# uses only inside its own approval process are left out: the claim keeps its status.
CLAIM_STATUS_OF_SERVICE = {
    "Ready": "ready",
    "Submitted": "submitted",
    "ToBeApproved": "submitted",
    "SentToPrinter": "submitted",
    "Printed": "printed",
    "Reprint": "printed",
    "Delivered": "delivered",
    "NotDelivered": "returned",
}


def claim_status_of(service_status: str) -> str | None:
    """The claim status a service status means, or None when the claim keeps its own."""
    return CLAIM_STATUS_OF_SERVICE.get(service_status)


@transaction.atomic
def record_from_service(
    claim: CertificateClaim, *, service_status: str, detail: str = ""
) -> CertificateClaim:
    """Move the claim to the status the service reports, keeping the change and its reason.

    Nothing is written when the claim already has that status (the service is asked again and
    again while a certificate is printed and delivered).
    """
    fresh = CertificateClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    target = claim_status_of(service_status)
    if target is None or fresh.status == target:
        return fresh
    old = fresh.status
    now = clock.now()
    words = CERTIFICATE_STATUS_WORDS.get(service_status, service_status)
    reason = f"The apprenticeship assessment service says: {words}" + (
        f" ({detail})" if detail else ""
    )
    fresh.status = target
    fresh.revision += 1
    fresh.updated_at = now
    fresh.updated_by = None
    fresh.save(update_fields=["status", "revision", "updated_at", "updated_by"])
    ClaimChange.objects.create(
        claim=fresh,
        field="status",
        old=old,
        new=target,
        reason=reason,
        revision=fresh.revision,
        changed_by=None,
        changed_at=now,
    )
    record_event(
        actor=None,
        epao=fresh.registration.epao,
        action="claims.status",
        obj=fresh,
        registration=fresh.registration,
        summary=f"Certificate claim for {fresh.full_name}: {words} at the assessment service",
        changes={"status": (old, target)},
        reason=reason,
    )
    claim.__dict__.update(fresh.__dict__)
    return fresh
