"""Filling the stand-in from OpenEPA's records: the only part of it that reads OpenEPA.

The service holds what the ILR says of each apprentice; the stand-in is given the same from an
OpenEPA registration: its ULN, names, standard reference and version, and the LARS code the
EPAO admin set for the standard (``accounts.StandardAtService``). It never reads OpenEPA's
transcription of the service's rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openepa.registration.models import Registration
    from tests.standin.model import Learner
    from tests.standin.service import StandIn


class NoLarsCode(LookupError):  # noqa: N818
    """The EPAO has not set the LARS code of the registration's standard."""


def lars_code_of(registration: Registration) -> int:
    """The LARS code of the registration's standard at its EPAO; NoLarsCode if none is set."""
    from openepa.accounts.models import StandardAtService

    held = StandardAtService.objects.filter(
        epao=registration.epao, reference=registration.standard
    ).first()
    if held is None:
        raise NoLarsCode(
            f"No LARS code is set for {registration.standard} at {registration.epao}: create an "
            f"accounts.StandardAtService(epao=..., reference={registration.standard!r}, "
            "lars_code=...) before adding the learner to the stand-in"
        )
    return held.lars_code


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
    code = lars_code_of(registration)
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
        try:
            learner = add_learner_for(
                standin, registration, completion_status=2 if completed else 1
            )
        except NoLarsCode as error:
            yield f"  skipped {registration.apprentice.uln}: {error}"
            continue
        yield (
            f"  learner {learner.uln} ({learner.given_names} {learner.family_name}): "
            f"{registration.standard} (LARS {learner.std_code}) version {learner.version}, "
            f"completion status {learner.completion_status}"
        )
