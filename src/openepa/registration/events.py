"""What registration publishes (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openepa.accounts.models import User
from openepa.registration.models import Registration


@dataclass(frozen=True)
class ApprenticesRegistered:
    """Registrations were made (by the form or a CSV upload), inside their transaction."""

    registrations: Sequence[Registration]
    actor: User


@dataclass(frozen=True)
class RegistrationWithdrawn:
    """A registration was withdrawn by an EPAO admin, inside its transaction."""

    registration: Registration
    actor: User
    reason: str


@dataclass(frozen=True)
class LearnerIdentityCorrected:
    """An apprentice's ULN or family name was corrected, inside its transaction.

    ``registrations`` are every registration of the apprentice: the assessment service finds
    a learner by ULN and family name, so what was sent of each must carry the new ones.
    """

    registrations: Sequence[Registration]
    actor: User
    fields: tuple[str, ...]
