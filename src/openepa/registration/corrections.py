"""Correcting what was registered about an apprentice and their apprenticeship.

The page checks each field with the registration form's own checks
(:class:`openepa.registration.forms.ApprenticeDetailsForm`); the service checks what needs
the database, as registering does: a changed planned assessment month must still meet the
specification's registration lead time (from the registration date), and a changed ULN must
not be another apprentice's. Only an EPAO admin changes a ULN. The apprentice's details
(names, date of birth, ULN, contact) belong to the apprentice, so a correction shows in each
of their registrations' audit trails. The employer and the provider change by a transfer
(:mod:`openepa.registration.transfers`), with its own history.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.kernel import events, specs
from openepa.registration.events import LearnerIdentityCorrected
from openepa.registration.learner_checks import request_checks
from openepa.registration.lifecycle import (
    CARETAKERS,
    LifecycleRefused,
    audit,
    locked,
    require_actor,
    require_reason,
    save,
)
from openepa.registration.models import Apprentice, LearnerCheck, Registration
from openepa.registration.timing import lead_time

#: What a correction may change of the apprentice, and of the registration.
APPRENTICE_FIELDS = ("uln", "given_names", "family_name", "date_of_birth", "email", "phone")
REGISTRATION_FIELDS = (
    "start_date",
    "on_programme_end_date",
    "planned_assessment_month",
    "reasonable_adjustments",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
)


def changed(instance: Any, names: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
    """The (old, new) pairs of the fields of ``names`` whose value differs in ``values``."""
    return {
        name: (getattr(instance, name), values[name])
        for name in names
        if name in values and getattr(instance, name) != values[name]
    }


def uln_problem(registration: Registration, actor: User, uln: str) -> str | None:
    """Why the apprentice's ULN cannot become ``uln``, or None."""
    if actor.role != User.Role.EPAO_ADMIN:
        return (
            f"Only an EPAO admin can change a ULN: ask {registration.epao.name} to correct it, "
            "with the reason"
        )
    holder = (
        Apprentice.objects.filter(epao_id=registration.epao_id, uln=uln)
        .exclude(pk=registration.apprentice_id)
        .first()
    )
    if holder is None:
        return None
    live = holder.registrations.filter(status__in=Registration.LIVE).order_by("pk").first()
    if live is not None:
        return format_html(
            "ULN {} already has a live registration ({} on {}): a ULN belongs to one apprentice. "
            '<a class="govuk-link" href="{}">Correct or withdraw that registration</a> first',
            uln,
            holder.full_name,
            live.standard,
            reverse("registration:detail", args=[live.pk]),
        )
    return (
        f"ULN {uln} is already held by another apprentice, {holder.full_name}, whose "
        "registrations are withdrawn or completed: check the ULN against the apprentice's record"
    )


def lead_time_problem(registration: Registration, values: dict[str, Any]) -> str | None:
    """Why a changed planned assessment month breaks the registration lead time, or None."""
    month = values.get("planned_assessment_month")
    if month is None or month == registration.planned_assessment_month:
        return None
    spec, _ = specs.rules_of(registration)
    rule = lead_time(spec, timezone.localdate(registration.created_at))
    return rule.problem(month) if rule is not None else None


def cleaned(values: dict[str, Any]) -> dict[str, Any]:
    """The values as a registration stores them: a month's first day, text trimmed."""
    result = dict(values)
    if result.get("planned_assessment_month"):
        result["planned_assessment_month"] = result["planned_assessment_month"].replace(day=1)
    for name in ("reasonable_adjustments", "address_line_1", "address_line_2"):
        if name in result:
            result[name] = str(result[name]).strip()
    return result


@transaction.atomic
def correct_details(
    registration: Registration,
    actor: User,
    *,
    values: dict[str, Any],
    reason: str,
    revision: int,
) -> dict[str, tuple[Any, Any]]:
    """Correct the registration's details with a reason; returns each field's (old, new).

    ``values`` holds fields of :data:`APPRENTICE_FIELDS` and :data:`REGISTRATION_FIELDS`
    already checked one by one (the registration form's checks). Refused with
    :class:`LifecycleRefused` (naming the field) otherwise. Audited field by field.
    """
    require_actor(actor, registration, CARETAKERS)
    fresh = locked(registration, revision)
    values = cleaned(values)
    apprentice = Apprentice.objects.select_for_update().get(pk=fresh.apprentice_id)
    for_apprentice = changed(apprentice, APPRENTICE_FIELDS, values)
    for_registration = changed(fresh, REGISTRATION_FIELDS, values)
    if not for_apprentice and not for_registration:
        return {}
    reason = require_reason(reason, "Say why the details are corrected")
    if "uln" in for_apprentice:
        problem = uln_problem(fresh, actor, values["uln"])
        if problem:
            raise LifecycleRefused(problem, field="uln")
    problem = lead_time_problem(fresh, values)
    if problem:
        raise LifecycleRefused(problem, field="planned_assessment_month")
    if for_apprentice:
        try:
            with transaction.atomic():
                Apprentice.objects.filter(pk=apprentice.pk).update(
                    **{name: new for name, (_, new) in for_apprentice.items()}
                )
        except IntegrityError:
            raise LifecycleRefused(
                f"ULN {values['uln']} was just given to another apprentice: check the ULN",
                field="uln",
            ) from None
        for name, (_, new) in for_apprentice.items():
            setattr(registration.apprentice, name, new)
            setattr(fresh.apprentice, name, new)
    save(registration, fresh, {name: new for name, (_, new) in for_registration.items()})
    changes = {**for_apprentice, **for_registration}
    name = fresh.apprentice.full_name
    audit(
        actor,
        fresh,
        "registration.corrected",
        f"Details of {name} corrected: {', '.join(f.replace('_', ' ') for f in changes)}",
        changes,
        reason,
    )
    audit_other_registrations(actor, fresh, for_apprentice, reason)
    if "uln" in for_apprentice or "family_name" in for_apprentice:
        # The service finds a learner by ULN and family name: ask again with the new ones
        # (a completed registration too: its certificate claim is compared with the answer).
        live = Registration.objects.filter(
            apprentice_id=fresh.apprentice_id,
            status__in=(*Registration.LIVE, Registration.Status.COMPLETED),
        ).select_related("apprentice", "epao")
        request_checks(list(live), LearnerCheck.Reason.CORRECTION, actor)
        every = Registration.objects.filter(apprentice_id=fresh.apprentice_id).select_related(
            "apprentice", "epao"
        )
        identity = tuple(name for name in ("uln", "family_name") if name in for_apprentice)
        events.publish(LearnerIdentityCorrected(list(every.order_by("pk")), actor, identity))
    return changes


def audit_other_registrations(
    actor: User, registration: Registration, changes: dict[str, Any], reason: str
) -> None:
    """Record the apprentice's corrected details in their other registrations' trails."""
    if not changes:
        return
    others = Registration.objects.filter(apprentice_id=registration.apprentice_id).exclude(
        pk=registration.pk
    )
    for other in others:
        record_event(
            actor=actor,
            epao=registration.epao,
            action="apprentice.corrected",
            obj=registration.apprentice,
            registration=other,
            summary=(
                f"Details of {registration.apprentice.full_name} corrected through their "
                f"registration on {registration.standard}"
            ),
            changes=changes,
            reason=reason,
        )
