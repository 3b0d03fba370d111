"""``{% service_items registration user %}``: the registration's items at the assessment service.

Shown to EPAO admins only (who send them and fix what the service refuses); for anyone else
the tag renders nothing and makes no query.
"""

from __future__ import annotations

from typing import Any

from django import template

from openepa.accounts.models import User
from openepa.registration.models import Registration
from openepa.registration.service_items import service_items_of

register = template.Library()


@register.inclusion_tag("registration/service_items.html")
def service_items(registration: Registration, user: User) -> dict[str, Any]:
    """The EPA record and certificate of ``registration`` at the service, for an EPAO admin."""
    if getattr(user, "role", None) != User.Role.EPAO_ADMIN or user.epao_id != registration.epao_id:
        return {"shown": False}
    return {"shown": True, "items": service_items_of(registration)}
