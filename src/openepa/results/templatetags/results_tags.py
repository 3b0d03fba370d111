"""The apprentice page's "End-point assessment" section: result, submissions, resits, appeals."""

from __future__ import annotations

from typing import Any

from django import template

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.results.appeals import appeal_ends_on, appeals_of, closed_appeal, latest_result
from openepa.results.reassessment import gateway_note, reassessment_state

register = template.Library()

PARTIES = (User.Role.APPRENTICE, User.Role.EMPLOYER, User.Role.PROVIDER)
STARTED = (Registration.Status.GATEWAY_ACCEPTED, Registration.Status.COMPLETED)


@register.inclusion_tag("results/_epa_section.html")
def epa_section(registration: Registration, user: User) -> dict[str, Any]:
    """Links to the submissions, result, resit or retake and appeals of one registration."""
    started = registration.status in STARTED or registration.sittings.exists()
    if not started:
        return {"show": False}
    result = latest_result(registration)
    state = reassessment_state(registration) if result and result.grade == "fail" else None
    appeal_until = appeal_ends_on(result) if result else None
    return {
        "show": True,
        "registration": registration,
        "result": result,
        "state": state,
        "is_admin": user.role == User.Role.EPAO_ADMIN,
        "is_party": user.role in PARTIES,
        "appeal_until": appeal_until,
        "appeal_open": appeal_until is not None
        and clock.today() <= appeal_until
        and result is not None
        and closed_appeal(result) is None,
        "appeals": appeals_of(registration),
    }


@register.simple_tag
def retake_note(registration: Registration) -> str | None:
    """The gateway page's note while a retake sends the apprentice through the gateway again.

    A template tag, so the gateway's page can show it without the gateway importing results.
    """
    return gateway_note(registration)
