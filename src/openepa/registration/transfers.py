"""Transferring a registration to another training provider or employer of the EPAO.

Only an EPAO admin transfers, with a reason and the date the move took effect (today or
earlier). Each move keeps a :class:`openepa.registration.models.Transfer` (old and new
organisation, effective date, who and why) and is audited old → new; the registration then
belongs to the new organisations, so their people see it and the old ones no longer do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from openepa.accounts.models import Organisation, User
from openepa.kernel import clock
from openepa.registration.lifecycle import (
    LifecycleRefused,
    audit,
    locked,
    require_actor,
    require_reason,
    save,
)
from openepa.registration.models import Registration, Transfer
from openepa.rules.dates import long_date

KIND_WORDS: dict[str, str] = {
    Transfer.Kind.PROVIDER: "training provider",
    Transfer.Kind.EMPLOYER: "employer",
}


def check_move(registration: Registration, kind: str, organisation: Organisation) -> None:
    """Refuse an organisation of another EPAO or kind, or the one already holding it."""
    current: Organisation = getattr(registration, kind)
    if organisation.epao_id != registration.epao_id or organisation.kind != kind:
        raise LifecycleRefused(f"Choose a {KIND_WORDS[kind]} from the list", field=kind)
    if organisation.pk == current.pk:
        raise LifecycleRefused(
            f"The registration is already with {current.name}: choose another "
            f"{KIND_WORDS[kind]}, or leave it empty",
            field=kind,
        )


@transaction.atomic
def transfer(
    registration: Registration,
    actor: User,
    *,
    provider: Organisation | None = None,
    employer: Organisation | None = None,
    effective_on: date,
    reason: str,
    revision: int,
) -> list[Transfer]:
    """Move the registration to ``provider`` and/or ``employer`` from ``effective_on``.

    Returns the transfers recorded (one for each organisation that changed). Refused with
    :class:`openepa.registration.lifecycle.LifecycleRefused` otherwise.
    """
    require_actor(actor, registration, (User.Role.EPAO_ADMIN,))
    fresh = locked(registration, revision)
    moves = {
        kind: organisation
        for kind, organisation in (
            (Transfer.Kind.PROVIDER, provider),
            (Transfer.Kind.EMPLOYER, employer),
        )
        if organisation is not None
    }
    if not moves:
        raise LifecycleRefused(
            "Choose a new training provider or a new employer (or both)", field="provider"
        )
    for kind, organisation in moves.items():
        check_move(fresh, kind, organisation)
    if effective_on > clock.today():
        raise LifecycleRefused(
            "The transfer must have taken effect: record it on or after the day it does, "
            f"{long_date(effective_on)}",
            field="effective_on",
        )
    reason = require_reason(reason, "Enter the reason for the transfer")
    now = clock.now()
    records = [
        Transfer.objects.create(
            registration=fresh,
            kind=kind,
            from_organisation=getattr(fresh, kind),
            to_organisation=organisation,
            effective_on=effective_on,
            reason=reason,
            transferred_by=actor,
            transferred_at=now,
        )
        for kind, organisation in moves.items()
    ]
    changes: dict[str, tuple[Any, Any]] = {
        record.kind: (record.from_organisation.name, record.to_organisation.name)
        for record in records
    }
    changes["effective_on"] = (None, effective_on)
    save(registration, fresh, {str(kind): organisation for kind, organisation in moves.items()})
    audit(
        actor,
        fresh,
        "registration.transferred",
        f"{fresh.apprentice.full_name} transferred from {long_date(effective_on)}: "
        + "; ".join(
            f"{KIND_WORDS[r.kind]} {r.from_organisation.name} to {r.to_organisation.name}"
            for r in records
        ),
        changes,
        reason,
    )
    return records
