"""Record audit events from service functions.

The audit trail sits below every app that records into it, people and organisations included,
so the actor and the EPAO are any saved model (a user, an organisation).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models

from openepa.audit.models import AuditEvent


def record_event(
    *,
    actor: models.Model | None,
    epao: models.Model,
    action: str,
    obj: models.Model,
    summary: str,
    registration: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Add one audit event; ``changes`` maps a field to its (old, new) values."""
    return AuditEvent.objects.create(
        epao_id=epao.pk,
        registration=registration,
        actor_id=None if actor is None else actor.pk,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        summary=summary[:300],
        changes={
            field: {"old": _plain(old), "new": _plain(new)}
            for field, (old, new) in (changes or {}).items()
        },
        reason=reason,
    )


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The (old, new) pairs of the fields whose value would change."""
    return {
        field: (getattr(instance, field), value)
        for field, value in new_values.items()
        if getattr(instance, field) != value
    }


def _plain(value: Any) -> Any:
    """A value JSON can store: dates as ISO text, models as their text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)
