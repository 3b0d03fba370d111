"""The links to a registration's documents (PDFs) that the user may see."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord
from openepa.documents.services import DOCUMENTS, STAFF, may_see
from openepa.kernel import specs
from openepa.registration.models import Registration
from openepa.results.models import Result

register = template.Library()


@register.inclusion_tag("documents/_links.html")
def documents_links(registration: Registration, user: User) -> dict[str, Any]:
    """The documents of ``registration`` the user may download, with each method's record."""
    url = reverse("documents:pdf", args=[registration.pk, "NAME"])
    links: list[dict[str, str]] = []
    released = Result.objects.filter(registration=registration).exists()
    for name, title in DOCUMENTS.items():
        if not may_see(user, name) or name == "method-record":
            continue
        if name == "results-letter" and not released:
            continue
        if name == "grading-sheet" and not registration.sittings.exists():
            continue
        links.append({"url": url.replace("NAME", name), "title": title})
    if user.role in STAFF:
        spec, _ = specs.rules_of(registration)
        recorded = set(
            AssessmentRecord.objects.filter(registration=registration).values_list(
                "method_id", flat=True
            )
        )
        for method in spec.methods:
            if method.id in recorded:
                links.append(
                    {
                        "url": f"{url.replace('NAME', 'method-record')}?method={method.id}",
                        "title": f"{method.name} checklist and grading record",
                    }
                )
    return {"links": links, "registration": registration}
