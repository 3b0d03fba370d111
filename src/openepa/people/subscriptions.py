"""What people does when the apps below it publish (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from openepa.kernel.events import subscribe
from openepa.people.apprentices import enqueue_invitations
from openepa.registration.events import ApprenticesRegistered


@subscribe(ApprenticesRegistered)
def invite_registered_apprentices(event: ApprenticesRegistered) -> None:
    """Invite the registered apprentices who have no account, once the registrations commit."""
    enqueue_invitations([r.apprentice_id for r in event.registrations], event.actor)
