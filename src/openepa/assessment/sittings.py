"""The sittings of a registration's EPA: the current one, and the first opened on demand.

A sitting lists the methods assessed in it; a method not taken again in a resit or retake
carries forward its grade from an earlier sitting (see :mod:`openepa.assessment.grading`).
"""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.assessment.models import Sitting
from openepa.assessment.refusals import RecordRefused
from openepa.kernel import specs
from openepa.registration.models import Registration


def current_sitting(registration: Registration) -> Sitting | None:
    """The registration's latest sitting, if its EPA has started."""
    return registration.sittings.order_by("-number").first()


def ensure_first_sitting(registration: Registration, actor: User | None) -> Sitting:
    """The registration's current sitting, creating the first (every method) if none.

    Refused until the gateway is accepted.
    """
    sitting = current_sitting(registration)
    if sitting is not None:
        return sitting
    if registration.status != Registration.Status.GATEWAY_ACCEPTED:
        raise RecordRefused(
            f"{registration.apprentice.full_name}'s gateway is not accepted yet "
            f"(status: {registration.get_status_display().lower()}): assessments can be "
            "recorded once the EPAO confirms the gateway."
        )
    spec, _ = specs.rules_of(registration)
    return Sitting.objects.create(
        registration=registration,
        number=1,
        kind=Sitting.Kind.FIRST,
        methods=[method.id for method in spec.methods],
        created_by=actor,
        reason="First attempt, opened when the first record was started.",
    )
