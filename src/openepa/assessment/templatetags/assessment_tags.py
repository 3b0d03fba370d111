"""Template helpers of the assessment pages: values in words, and the links to each record."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from openepa.accounts.models import User
from openepa.assessment.models import AssessmentRecord
from openepa.kernel import specs
from openepa.registration.models import Registration
from openepa.rules.labels import checklist_name, date_words, mode_words
from openepa.rules.recording import KEY

register = template.Library()


@register.filter
def change_value(value: Any, field: str = "") -> str:
    """A history value (a judgement, a date, a list of occasions, a mode) in words.

    ``field`` is the field the value belongs to: a ``mode`` is put in words.
    """
    if value in (None, "", []):
        return "(empty)"
    if field == "mode":
        return mode_words(str(value))
    if isinstance(value, list) and len(value) == 3 and str(value[0]) in KEY:
        words = KEY[str(value[0])]
        if value[1]:
            words += f": “{value[1]}”"
        if value[2]:
            words += f" ({len(value[2])} pieces of evidence)"
        return words
    if isinstance(value, list):
        return ", ".join(
            f"{date_words(o.get('on'))} ({o.get('minutes')} minutes)"
            if isinstance(o, dict)
            else str(o)
            for o in value
        )
    return date_words(value)


def occasion_words(occasion: dict[str, Any]) -> str:
    """One occasion of an observation in words: "15 September 2026 (60 minutes)"."""
    return f"{date_words(occasion.get('on'))} ({occasion.get('minutes')} minutes)"


@register.filter
def key_label(value: str) -> str:
    """A key value (met, not_met ...) in words."""
    return KEY.get(value, "Not judged")


@register.filter
def field_label(name: str, labels: dict[str, str]) -> str:
    """A record field name or ``judgement:<checklist>:<criterion>`` in words."""
    if name.startswith("judgement:"):
        _, checklist, criterion = name.split(":", 2)
        checklist_words = checklist_name(None, checklist)
        return f"Judgement of {criterion}" + (
            f" ({checklist_words} checklist)" if checklist else ""
        )
    return labels.get(name, name.replace("_", " ").capitalize())


@register.inclusion_tag("assessment/_links.html")
def assessment_links(registration: Registration, user: User) -> dict[str, Any]:
    """The registration page's "Assessment" section: a link to each method's record."""
    role = getattr(user, "role", None)
    allocated = role == User.Role.ASSESSOR and registration.assessor_id == user.pk
    readers = allocated or role in (User.Role.IQA, User.Role.EPAO_ADMIN)
    recording = registration.status == Registration.Status.GATEWAY_ACCEPTED
    if not readers or not (recording or registration.status == Registration.Status.COMPLETED):
        return {"links": []}
    spec, _ = specs.rules_of(registration)
    submitted = {
        r.method_id: r
        for r in AssessmentRecord.objects.filter(registration=registration).order_by(
            "sitting__number"
        )
    }
    links = []
    for method in spec.methods:
        url = reverse("assessment:record", args=[registration.pk, method.id])
        record = submitted.get(method.id)
        if allocated and recording:
            links.append({"url": url, "text": f"Record the {method.name}", "record": record})
        elif record is not None and record.submitted:
            links.append({"url": url, "text": f"The {method.name} record", "record": record})
    return {"links": links}
