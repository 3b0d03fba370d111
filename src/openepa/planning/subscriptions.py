"""What planning does when registration publishes (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from openepa.kernel.events import subscribe
from openepa.planning.bookings import cancel_for_withdrawal
from openepa.registration.events import RegistrationWithdrawn


@subscribe(RegistrationWithdrawn)
def cancel_bookings_of_withdrawn(event: RegistrationWithdrawn) -> None:
    """Cancel the withdrawn registration's open bookings, each audited with the reason."""
    cancel_for_withdrawal(event.registration, event.actor, event.reason)
