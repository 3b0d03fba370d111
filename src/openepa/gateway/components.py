"""The gateway's components: built from the specification, and changed one safe step at a time.

Everything in the gateway is built from the specification the apprentice is registered on
(:func:`openepa.kernel.specs.rules_of`): the requirements, who submits each, the English and
maths level, the portfolio's limits and excluded types, the proposal's word range, the
minimum time on programme and the EPA window. Nothing about one EPAO is written in code.

Each requirement is a :class:`GatewayComponent`. Its life:

- ``not_started`` → ``in_progress`` (a first signature, a first portfolio piece)
  → ``submitted`` (an upload or answer, the last signature of a declaration, the portfolio,
  the project proposal) → ``accepted`` (locked) or ``rejected`` (with a reason; the party
  submits again, and ``attempts`` counts every submission).

This module owns building the components and the steps every change shares: who may act,
the row lock and compare-and-swap on ``revision`` (so two people working on one component
never overwrite each other: the second is told what happened), the state that refuses a
change, moving the registration into its gateway, the audit of old and new values and the
storing of an uploaded file.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.audit.services import record_event
from openepa.files.models import StoredFile
from openepa.files.services import store_upload
from openepa.gateway.models import GatewayComponent
from openepa.gateway.refusals import ComponentChanged, GatewayRefused
from openepa.gateway.wording import moment_text, party_list
from openepa.kernel import clock, service_client, specs
from openepa.kernel.uploads import ALL_KINDS, UploadRefused
from openepa.registration import learner_checks
from openepa.registration.access import party_of
from openepa.registration.models import LearnerCheck, Registration
from openepa.rules.model import Specification

Status = GatewayComponent.Status

#: The kinds of file accepted as gateway evidence, judged by content.
ALLOWED_KINDS: tuple[str, ...] = ALL_KINDS

#: The statuses in which a component is still worked on by the parties that submit it.
OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.REJECTED)
#: The registration statuses in which its gateway may be worked on.
WORKABLE_REGISTRATION = (Registration.Status.REGISTERED, Registration.Status.GATEWAY)

#: How the audit's actions read in "who did what" ("Anna submitted …").
CHANGE_VERBS = {
    "gateway.submitted": "submitted",
    "gateway.signed": "signed",
    "gateway.accepted": "accepted",
    "gateway.rejected": "rejected",
    "gateway.piece_added": "added a piece to",
    "gateway.piece_removed": "removed a piece from",
    "gateway.proposal_submitted": "submitted",
    "gateway.proposal_approved": "approved",
    "gateway.proposal_rejected": "rejected",
}


# --- building the gateway ---------------------------------------------------------------


@transaction.atomic
def components_from_spec(registration: Registration, spec: Specification) -> list[GatewayComponent]:
    """Unsaved components, one per gateway requirement of ``spec``, in the spec's order."""
    return [
        GatewayComponent(
            registration=registration,
            requirement_id=requirement.id,
            position=position,
            name=requirement.name,
            description=requirement.description,
            evidence=requirement.evidence,
            uses=requirement.uses or "",
            submitted_by=list(requirement.submitted_by),
            level=requirement.level,
            required=requirement.required,
        )
        for position, requirement in enumerate(spec.gateway.requirements, start=1)
    ]


def create_components(
    registration: Registration, *, actor: User | None = None
) -> list[GatewayComponent]:
    """One component per gateway requirement of the registration's specification.

    Idempotent: requirements that already have a component are left as they are. The
    building of the gateway is audited once, listing the components made.
    """
    spec, _ = specs.rules_of(registration)
    existing = set(registration.gateway_components.values_list("requirement_id", flat=True))
    new = [
        component
        for component in components_from_spec(registration, spec)
        if component.requirement_id not in existing
    ]
    if new:
        GatewayComponent.objects.bulk_create(new, ignore_conflicts=True)
        record_event(
            actor=actor,
            epao=registration.epao,
            action="gateway.created",
            obj=registration,
            registration=registration,
            summary=(f"Gateway built from {spec.id}: " + ", ".join(c.name for c in new)),
            changes={
                "gateway components": (
                    sorted(existing),
                    sorted(existing | {c.requirement_id for c in new}),
                )
            },
        )
    return list(registration.gateway_components.order_by("position"))


# --- who may act ------------------------------------------------------------------------


def require_party(user: User, component: GatewayComponent) -> str:
    """The party ``user`` acts as, if it is one that submits ``component``; else 403."""
    party = party_of(user, component.registration)
    if party is None or party not in component.submitted_by:
        raise PermissionDenied(
            f"Only the {party_list(component.submitted_by)} can work on {component.name}"
        )
    return party


def require_epao_admin(user: User, registration: Registration) -> None:
    """Refuse (403) anyone but an EPAO admin of the registration."""
    if party_of(user, registration) != "epao":
        raise PermissionDenied("Only an EPAO admin can do this")


# --- changing a component ---------------------------------------------------------------


def lock_component(component: GatewayComponent, revision: int | None) -> GatewayComponent:
    """The component as stored now, locked for this transaction.

    ``revision`` is the revision the person's page showed; if the component changed since,
    :class:`ComponentChanged` says who changed it and how.
    """
    fresh = GatewayComponent.objects.select_for_update().get(pk=component.pk)
    fresh.registration = component.registration
    status = (
        Registration.objects.filter(pk=component.registration_id)
        .values_list("status", flat=True)
        .get()
    )
    registration = component.registration
    registration.status = status
    if status == Registration.Status.GATEWAY_ACCEPTED:
        raise GatewayRefused(
            f"The gateway of {registration.apprentice.full_name} is already confirmed: "
            "its components can no longer be changed"
        )
    if status not in WORKABLE_REGISTRATION:
        raise GatewayRefused(
            f"{registration.apprentice.full_name}'s registration is "
            f"{Registration.Status(status).label.lower()}: the gateway cannot be changed"
        )
    if revision is not None and fresh.revision != revision:
        raise ComponentChanged(changed_message(fresh))
    return fresh


def changed_message(component: GatewayComponent) -> str:
    """What someone else did to the component, for the person whose page is out of date."""
    event = (
        AuditEvent.objects.filter(
            object_type=GatewayComponent._meta.label, object_id=str(component.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    status = component.get_status_display().lower()
    if event is None:
        done = f"Someone else changed {component.name}"
    else:
        who = event.actor.full_name if event.actor else "Someone else"
        verb = CHANGE_VERBS.get(event.action, "changed")
        done = f"{who} {verb} {component.name} at {moment_text(event.at)}"
    return (
        f"{done} while you were working on it: it is now {status}. "
        "Check the page below and try again if you still need to"
    )


def save_component(component: GatewayComponent, **fields: Any) -> None:
    """Compare-and-swap: change ``fields`` only if the revision is still the one read."""
    expected = component.revision
    updated = GatewayComponent.objects.filter(pk=component.pk, revision=expected).update(
        revision=expected + 1, **fields
    )
    if not updated:
        raise ComponentChanged(changed_message(component))
    for name, value in fields.items():
        setattr(component, name, value)
    component.revision = expected + 1


def sync_component(target: GatewayComponent, source: GatewayComponent) -> None:
    """Copy the saved state of ``source`` onto the caller's instance ``target``."""
    for name in ("status", "attempts", "accepted_at", "accepted_by_id", "revision"):
        setattr(target, name, getattr(source, name))


def state_problem(component: GatewayComponent) -> str | None:
    """Why a component cannot be submitted or changed now, or None."""
    if component.status == Status.ACCEPTED:
        when = f" on {moment_text(component.accepted_at)}" if component.accepted_at else ""
        return f"{component.name} was accepted{when}: it is locked and cannot be changed"
    if component.status == Status.SUBMITTED:
        return (
            f"{component.name} has been submitted and is waiting for review: "
            "it cannot be changed until it is reviewed"
        )
    return None


def start_gateway(registration: Registration, actor: User) -> None:
    """Move the registration from registered to gateway when its gateway is first worked on.

    Called on every submission and signature; once the gateway is with the EPAO for its
    decision, the apprentice is also looked up at the assessment service
    (:func:`check_before_gateway`).
    """
    check_before_gateway(registration, actor)
    updated = Registration.objects.filter(
        pk=registration.pk, status=Registration.Status.REGISTERED
    ).update(
        status=Registration.Status.GATEWAY,
        revision=F("revision") + 1,
        updated_at=clock.now(),
    )
    if updated:
        registration.status = Registration.Status.GATEWAY
        registration.revision += 1
        record_event(
            actor=actor,
            epao=registration.epao,
            action="registration.status_changed",
            obj=registration,
            registration=registration,
            summary=f"Gateway started for {registration.apprentice.full_name}",
            changes={"status": (Registration.Status.REGISTERED, Registration.Status.GATEWAY)},
        )


def check_before_gateway(registration: Registration, actor: User) -> None:
    """Look the apprentice up at the assessment service when the gateway goes for review.

    That is when no required component is left to submit (each is submitted or accepted) and
    one waits for review: the EPAO then decides the gateway on what the service holds.
    Nothing happens when OpenEPA is not set to talk to the service.
    """
    if not service_client.configured():
        return
    components = GatewayComponent.objects.filter(registration=registration)
    done = (Status.SUBMITTED, Status.ACCEPTED)
    if (
        not components.filter(required=True).exclude(status__in=done).exists()
        and components.filter(status=Status.SUBMITTED).exists()
    ):
        learner_checks.request_check(registration, LearnerCheck.Reason.GATEWAY, actor)


def audit_component(
    actor: User,
    component: GatewayComponent,
    action: str,
    summary: str,
    changes: dict[str, tuple[Any, Any]],
    reason: str = "",
) -> None:
    """Record a change to ``component`` in the audit, against its registration."""
    registration = component.registration
    record_event(
        actor=actor,
        epao=registration.epao,
        action=action,
        obj=component,
        registration=registration,
        summary=summary,
        changes=changes,
        reason=reason,
    )


def store_evidence(
    upload: UploadedFile[bytes], registration: Registration, user: User
) -> StoredFile:
    """Store an uploaded file of gateway evidence; a bad file is refused on the file field."""
    try:
        return store_upload(upload, registration=registration, user=user, allowed=ALLOWED_KINDS)
    except UploadRefused as refusal:
        raise GatewayRefused(str(refusal), field="file") from None
