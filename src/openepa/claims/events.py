"""What certificate claims publish (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from dataclasses import dataclass

from openepa.accounts.models import User
from openepa.claims.models import CertificateClaim


@dataclass(frozen=True)
class ClaimReady:
    """A certificate claim passed its checks and is ready to send."""

    claim: CertificateClaim
    marked_by: User
