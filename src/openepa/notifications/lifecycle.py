"""Emails about a registration's life after it is made: its withdrawal.

``registration_withdrawn``, key ``registration_withdrawn:<registration>``: the apprentice (if
they have an account), the provider's and the employer's people, the assessor and the IQA.
Each booking cancelled by the withdrawal is also emailed, as any cancellation is
(:func:`openepa.notifications.messages.booking_moved`).
"""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.notifications.services import link, notify, parties
from openepa.registration.models import Registration


def registration_withdrawn(registration: Registration, actor: User, reason: str) -> None:
    """Tell everyone working on the registration that it is withdrawn, and why."""
    notify(
        users=[*parties(registration), registration.assessor, registration.iqa],
        kind="registration_withdrawn",
        key=f"registration_withdrawn:{registration.pk}",
        registration=registration,
        context={
            "withdrawn_on": registration.withdrawn_on,
            "withdrawn_by": actor.full_name,
            "reason": reason,
            "link": link("registration:detail", registration.pk),
        },
    )
