"""The history of one registration (its audit trail), for EPAO admins."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel.roles import role_required
from openepa.registration.access import get_registration
from openepa.registration.models import Registration
from openepa.rules.labels import mode_words

PAGE_SIZE = 25
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")
STATUS_WORDS = dict(Registration.Status.choices)


@dataclass(frozen=True)
class Change:
    """One field's value before and after, as people read them."""

    field: str
    old: str
    new: str


@role_required(User.Role.EPAO_ADMIN)
def registration_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every audit event of one registration, newest first, 25 a page."""
    user: User = request.user  # type: ignore[assignment]
    registration = get_registration(user, pk)
    events = (
        AuditEvent.objects.filter(registration=registration)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, changes_of(event)) for event in page]
    return render(
        request,
        "accounts/audit_trail.html",
        {"registration": registration, "page_obj": page, "rows": rows},
    )


def changes_of(event: AuditEvent) -> list[Change]:
    """The event's changed fields with readable labels and values."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    result = []
    for field, values in changes.items():
        old, new = (
            (values.get("old"), values.get("new")) if isinstance(values, dict) else (None, values)
        )
        result.append(
            Change(field=label_of(field), old=readable(old, field), new=readable(new, field))
        )
    return result


def label_of(field: str) -> str:
    """``planned_assessment_month`` as "Planned assessment month"."""
    text = field.replace("_", " ").replace(".", " ").strip()
    text = re.sub(r"\b(uln|ukprn|epa|iqa|ksbs?)\b", lambda m: m.group(1).upper(), text)
    return text[:1].upper() + text[1:]


def readable(value: Any, field: str = "") -> str:
    """A stored value as people read it.

    Dates written out, empty values as "Not set", a status or a mode in words, a time
    without its seconds.
    """
    if value is None or value == "" or value == [] or value == {}:
        return "Not set"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and field == "status" and value in STATUS_WORDS:
        return str(STATUS_WORDS[value])
    if isinstance(value, str) and field == "mode":
        return mode_words(value)
    if isinstance(value, str) and ISO_TIME.match(value):
        return value[:5]
    if isinstance(value, str):
        if ISO_DATE.match(value):
            try:
                return formats.date_format(date.fromisoformat(value), "j F Y")
            except ValueError:
                return value
        if ISO_DATETIME.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "j F Y, H:i")
        return value
    if isinstance(value, list):
        return ", ".join(readable(item, field) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
