"""What the gateway does when apprentices are registered (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from openepa.gateway.components import create_components
from openepa.kernel.events import subscribe
from openepa.registration.events import ApprenticesRegistered


@subscribe(ApprenticesRegistered)
def build_gateways(event: ApprenticesRegistered) -> None:
    """Build each new registration's gateway from its specification."""
    for registration in event.registrations:
        create_components(registration, actor=event.actor)
