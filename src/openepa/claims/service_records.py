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

# The service's status names (das-assessor-service src/SFA.DAS.AssessorService.Domain/Consts/
# CertificateStatus.cs), and the claim status each means in OpenEPA. Statuses the service uses
# only inside its own approval process are left out: the claim keeps its status.
CLAIM_STATUS_OF_SERVICE = {
    "Ready": "ready",
    "Submitted": "submitted",
    "ToBeApproved": "submitted",
    "SentToPrinter": "sent_to_printer",
    "Printed": "printed",
    "Reprint": "printed",
    "Delivered": "delivered",
    "NotDelivered": "not_delivered",
}


def claim_status_of(service_status: str) -> str | None:
    """The claim status a service status means, or None when the claim keeps its own."""
    return CLAIM_STATUS_OF_SERVICE.get(service_status)


@transaction.atomic
def record_from_service(
    claim: CertificateClaim,
    *,
    service_status: str = "",
    detail: str = "",
    certificate_reference: str = "",
) -> CertificateClaim:
    """Move the claim to the status the service reports, keeping the change and its reason.

    ``certificate_reference``, when given, is the reference the service gave the certificate:
    it is stored on the claim (a change of it is kept too). Nothing is written when the claim
    already has that status and reference (the service is asked again and again while a
    certificate is printed and delivered).
    """
    fresh = CertificateClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    target = claim_status_of(service_status)
    changes: dict[str, tuple[str, str]] = {}
    if target is not None and fresh.status != target:
        changes["status"] = (fresh.status, target)
    reference = certificate_reference.strip()
    if reference and reference != fresh.certificate_reference:
        changes["certificate_reference"] = (fresh.certificate_reference, reference)
    if not changes:
        return fresh
    now = clock.now()
    words = CERTIFICATE_STATUS_WORDS.get(service_status, service_status)
    said = f"{words}, certificate {reference}" if words and reference else words or reference
    reason = f"The apprenticeship assessment service says: {said}" + (
        f" ({detail})" if detail else ""
    )
    if "status" in changes:
        fresh.status = changes["status"][1]
    if "certificate_reference" in changes:
        fresh.certificate_reference = reference
    fresh.revision += 1
    fresh.updated_at = now
    fresh.updated_by = None
    fresh.save(
        update_fields=["status", "certificate_reference", "revision", "updated_at", "updated_by"]
    )
    ClaimChange.objects.bulk_create(
        ClaimChange(
            claim=fresh,
            field=field,
            old=old,
            new=new,
            reason=reason,
            revision=fresh.revision,
            changed_by=None,
            changed_at=now,
        )
        for field, (old, new) in changes.items()
    )
    record_event(
        actor=None,
        epao=fresh.registration.epao,
        action="claims.status",
        obj=fresh,
        registration=fresh.registration,
        summary=f"Certificate claim for {fresh.full_name}: {said} at the assessment service",
        changes=dict(changes),
        reason=reason,
    )
    claim.__dict__.update(fresh.__dict__)
    return fresh
