"""What the gateway publishes (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from dataclasses import dataclass

from openepa.accounts.models import User
from openepa.gateway.models import GatewayComponent, GatewaySubmission, ProjectProposal
from openepa.registration.models import Registration


@dataclass(frozen=True)
class ComponentDecided:
    """The EPAO accepted or rejected a gateway component's submission."""

    component: GatewayComponent
    submission: GatewaySubmission
    decided_by: User


@dataclass(frozen=True)
class ProposalDecided:
    """A project proposal was approved or rejected."""

    component: GatewayComponent
    proposal: ProjectProposal
    decided_by: User


@dataclass(frozen=True)
class GatewayConfirmed:
    """The EPAO confirmed the gateway: the EPA window is open."""

    registration: Registration
