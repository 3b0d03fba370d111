"""Filling the stand-in from OpenEPA's records: the only part of it that reads OpenEPA.

The service holds what the ILR says of each apprentice; the stand-in is given the same from an
OpenEPA registration: its ULN, names, standard reference and version, and the standard's LARS
code: the one the EPAO admin set (``accounts.StandardAtService``), else the one the stand-in
already holds for that reference, else one of its own (the service knows every standard's
code; OpenEPA may name a standard by its reference alone). It never reads OpenEPA's
transcription of the service's rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openepa.registration.models import Registration
    from tests.standin.model import Learner
    from tests.standin.service import StandIn


#: The stand-in's own LARS codes, for a standard OpenEPA names by reference only: 9000 plus
#: the digits of its reference (ST0071 is 9071). Not the real codes, which no source states.
OWN_CODE_BASE = 9000


def lars_code_of(standin: StandIn, registration: Registration) -> int:
    """The LARS code of the registration's standard: the EPAO's, the stand-in's, or its own."""
    from openepa.accounts.models import StandardAtService

    held = StandardAtService.objects.filter(
        epao=registration.epao, reference=registration.standard
    ).first()
    if held is not None:
        return held.lars_code
    known = standin.state.catalogue.by_id(registration.standard)
    if known is not None:
        return known.lars_code
    return OWN_CODE_BASE + int(registration.standard[2:])


def add_learner_for(
    standin: StandIn,
    registration: Registration,
    *,
    family_name: str | None = None,
    completion_status: int = 1,
) -> Learner:
    """Add the ILR record of a registration, make its standard version known and approve it.

    ``family_name`` lets a test give the service a different spelling than OpenEPA's.
    """
    code = lars_code_of(standin, registration)
    apprentice = registration.apprentice
    known = [v.version for v in standin.state.catalogue.versions(code)]
    if registration.version not in known:
        standin.add_standard(code, registration.standard, [registration.version])
    standin.approve(code, [registration.version])
    return standin.add_learner(
        apprentice.uln,
        family_name if family_name is not None else apprentice.family_name,
        code,
        registration.standard,
        given_names=apprentice.given_names,
        version=registration.version,
        completion_status=completion_status,
        learn_start_date=registration.start_date,
        planned_end_date=registration.on_programme_end_date,
    )


def seed_from_openepa(standin: StandIn) -> Iterator[str]:
    """Every registration's learner added (Django must be set up); a line for each, or why not."""
    from openepa.registration.models import Registration

    registrations = Registration.objects.select_related("apprentice", "epao").order_by("id")
    for registration in registrations:
        completed = registration.status == Registration.Status.COMPLETED
        learner = add_learner_for(standin, registration, completion_status=2 if completed else 1)
        yield (
            f"  learner {learner.uln} ({learner.given_names} {learner.family_name}): "
            f"{registration.standard} (LARS {learner.std_code}) version {learner.version}, "
            f"completion status {learner.completion_status}"
        )
