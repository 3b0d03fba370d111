"""What certificate claims publish (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openepa.accounts.models import Organisation, User
from openepa.claims.models import CertificateClaim


@dataclass(frozen=True)
class ClaimReady:
    """A certificate claim passed its checks and is ready to send."""

    claim: CertificateClaim
    marked_by: User


@dataclass(frozen=True)
class ClaimChanged:
    """A claim's details changed after it was ready (it is back in draft, to be checked)."""

    claim: CertificateClaim
    changed_by: User | None


@dataclass(frozen=True)
class ClaimSubmitRequested:
    """An EPAO admin asked for ready claims to be submitted to the assessment service."""

    claims: Sequence[CertificateClaim]
    requested_by: User


@dataclass(frozen=True)
class LarsCodeChanged:
    """An EPAO admin set the LARS code of one of the EPAO's standards (``reference``)."""

    epao: Organisation
    reference: str
    actor: User
