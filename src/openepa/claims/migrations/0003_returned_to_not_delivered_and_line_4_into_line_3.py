"""Two changes to existing claims, each kept in the claim's history (nothing is lost).

- A claim "returned" is "not_delivered", the service's NotDelivered ("Delivery attempted").
- The service reads address lines 1 to 3 and a city, not a fourth line: a claim's line 4 is
  moved into line 3 ("line 3, line 4").

Each change adds a ClaimChange row by nobody (OpenEPA) with the reason, and the claim's
revision moves on, so a page opened before the migration cannot save over it.
"""

from typing import Any

from django.db import migrations
from django.utils import timezone

RENAMED = (
    "The apprenticeship assessment service calls a certificate that could not be delivered "
    '"Delivery attempted" (NotDelivered); OpenEPA now uses its name for the status "Returned"'
)
MOVED = (
    "The apprenticeship assessment service reads address lines 1 to 3 and a city, not a "
    "fourth line: address line 4 was moved into line 3"
)


def forwards(apps: Any, schema_editor: Any) -> None:
    """Rename the status and move line 4 into line 3, recording each change."""
    claim_model = apps.get_model("claims", "CertificateClaim")
    change_model = apps.get_model("claims", "ClaimChange")
    now = timezone.now()
    rows = []
    touched = claim_model.objects.filter(status="returned") | claim_model.objects.exclude(
        address_line_4=""
    )
    for claim in touched.order_by("pk").iterator(chunk_size=500):
        claim.revision += 1
        if claim.status == "returned":
            claim.status = "not_delivered"
            rows.append(("status", "returned", "not_delivered", RENAMED, claim))
        line_4 = claim.address_line_4.strip()
        if line_4:
            old_3 = claim.address_line_3
            claim.address_line_3 = f"{old_3.strip()}, {line_4}" if old_3.strip() else line_4
            rows.append(("address_line_3", old_3, claim.address_line_3, MOVED, claim))
            rows.append(("address_line_4", claim.address_line_4, "", MOVED, claim))
        claim.address_line_4 = ""
        claim.updated_at = now
        claim.save(
            update_fields=["status", "address_line_3", "address_line_4", "revision", "updated_at"]
        )
    change_model.objects.bulk_create(
        change_model(
            claim=claim,
            field=field,
            old=old,
            new=new,
            reason=reason,
            revision=claim.revision,
            changed_by=None,
            changed_at=now,
        )
        for field, old, new, reason, claim in rows
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    """Give each status a former one (12 characters at most); line 3 keeps what line 4 held."""
    claim_model = apps.get_model("claims", "CertificateClaim")
    claim_model.objects.filter(status="not_delivered").update(status="returned")
    claim_model.objects.filter(status="sent_to_printer").update(status="submitted")


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_service_statuses_and_reference")]

    operations = [migrations.RunPython(forwards, backwards)]
