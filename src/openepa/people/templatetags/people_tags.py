"""The apprentice page's "OpenEPA account" section: signed up, invited, or invite them.

A template tag, so registration's page shows it without registration importing people.
"""

from __future__ import annotations

from typing import Any

from django import template

from openepa.accounts.models import User
from openepa.people.apprentices import account_state
from openepa.registration.models import Registration

register = template.Library()

INVITERS = (User.Role.EPAO_ADMIN, User.Role.PROVIDER)


@register.inclusion_tag("accounts/_apprentice_account.html")
def apprentice_account(registration: Registration, user: User) -> dict[str, Any]:
    """Whether the apprentice can sign in; the admin and the provider may invite them."""
    if user.role not in INVITERS:
        return {"show": False}
    return {
        "show": True,
        "registration": registration,
        "apprentice": registration.apprentice,
        "state": account_state(registration.apprentice),
        "may_invite": registration.status != Registration.Status.WITHDRAWN,
    }
