"""The EPAO's review: the queue of submissions, the decision on each, and confirming the gateway.

An EPAO admin accepts a component's latest submission (which locks it) or rejects it with a
reason (the party submits again). When every required component is accepted and the time
checks are met, the admin confirms the gateway, which opens the EPA window. Each decision
is made against the revision the admin's page showed, audited, and published as an event.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.gateway.components import (
    audit_component,
    lock_component,
    require_epao_admin,
    save_component,
    sync_component,
)
from openepa.gateway.events import ComponentDecided, GatewayConfirmed
from openepa.gateway.models import GatewayComponent, GatewaySubmission
from openepa.gateway.overview import confirm_problems, time_checks
from openepa.gateway.refusals import ComponentChanged, GatewayNotReady, GatewayRefused
from openepa.gateway.wording import day_text, party_list
from openepa.kernel import clock, events, specs
from openepa.registration.access import registrations_for
from openepa.registration.models import Registration
from openepa.rules import gateway_rules

Status = GatewayComponent.Status

#: The orders of the review queue, by the name a page asks for.
SORTS = {"oldest": "waiting_since", "newest": "-waiting_since"}


def awaiting_review(user: User) -> QuerySet[GatewayComponent]:
    """The components an EPAO admin has to decide: submitted, in the admin's scope.

    A project proposal is left out while an assessor is allocated (the assessor decides it).
    Each row carries ``waiting_since``, when its latest submission was made, and the
    registration with its apprentice, provider and employer, for a list in constant queries.
    """
    latest = GatewaySubmission.objects.filter(component=OuterRef("pk")).order_by("-attempt")
    return (
        GatewayComponent.objects.filter(
            registration__in=registrations_for(user), status=Status.SUBMITTED
        )
        .exclude(Q(uses="project_proposal") & Q(registration__assessor__isnull=False))
        .annotate(waiting_since=Subquery(latest.values("submitted_at")[:1]))
        .select_related(
            "registration__apprentice", "registration__provider", "registration__employer"
        )
        .defer("description", "registration__reasonable_adjustments")
    )


def review_queue(
    user: User, *, query: str = "", sort: str = "oldest"
) -> QuerySet[GatewayComponent]:
    """The components awaiting review, found by ``query`` and ordered by ``sort``.

    ``query`` matches the apprentice's family or given names, their ULN or the component's
    name; ``sort`` is a key of :data:`SORTS` (oldest first, or newest first).
    """
    components = awaiting_review(user)
    if query:
        components = components.filter(
            Q(registration__apprentice__family_name__icontains=query)
            | Q(registration__apprentice__given_names__icontains=query)
            | Q(registration__apprentice__uln=query)
            | Q(name__icontains=query)
        )
    return components.order_by(SORTS[sort], "pk")


# --- deciding a submission --------------------------------------------------------------


@transaction.atomic
def review_component(
    component: GatewayComponent,
    user: User,
    *,
    accept: bool,
    reason: str,
    revision: int,
) -> GatewaySubmission:
    """The EPAO admin accepts the latest submission, or rejects it with a reason.

    Accepting locks the component; after a rejection the party submits again. ``revision``
    is the one the admin's page showed: if another admin decided in between,
    :class:`ComponentChanged` tells this one what happened and nothing is overwritten.
    """
    registration = component.registration
    require_epao_admin(user, registration)
    if component.uses == "project_proposal":
        raise GatewayRefused(f"{component.name} is decided on the proposal page")
    fresh = lock_component(component, revision)
    if fresh.status != Status.SUBMITTED:
        raise GatewayRefused(
            f"{component.name} is {fresh.get_status_display().lower()}: "
            "there is no submission waiting for review"
        )
    submission = fresh.submissions.select_for_update().order_by("-attempt").first()
    if submission is None or submission.decision != GatewaySubmission.Decision.PENDING:
        raise GatewayRefused("There is no submission waiting for review")
    reason = reason.strip()
    now = clock.now()
    old_status = fresh.status
    if accept:
        new_status = Status.ACCEPTED
        save_component(fresh, status=new_status, accepted_at=now, accepted_by_id=user.pk)
        submission.decision = GatewaySubmission.Decision.ACCEPTED
    else:
        if not reason:
            raise GatewayRefused(
                f"Enter the reason {component.name} is rejected, so the "
                f"{party_list(component.submitted_by)} know what to fix",
                field="reason",
            )
        new_status = Status.REJECTED
        save_component(fresh, status=new_status)
        submission.decision = GatewaySubmission.Decision.REJECTED
    submission.decided_by = user
    submission.decided_at = now
    submission.reason = reason
    submission.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    sync_component(component, fresh)
    verb = "accepted" if accept else "rejected"
    audit_component(
        user,
        fresh,
        f"gateway.{verb}",
        f"{component.name} (attempt {submission.attempt}) {verb} by {user.full_name}",
        {
            "status": (old_status, new_status),
            "decision": (GatewaySubmission.Decision.PENDING, submission.decision),
        },
        reason=reason,
    )
    events.publish(ComponentDecided(component, submission, user))
    return submission


# --- confirming the gateway -------------------------------------------------------------


@transaction.atomic
def confirm_gateway(
    registration: Registration, user: User, *, revision: int, on: date | None = None
) -> Registration:
    """Confirm the gateway: every required component accepted and the time checks met.

    Sets the status to gateway accepted, the gateway date to ``on`` (today) and the end of
    the EPA window from the specification's ``last_assessment`` rule (left empty when the
    specification sets none). Refused with every reason otherwise (:class:`GatewayNotReady`).
    """
    require_epao_admin(user, registration)
    day = on or clock.today()
    fresh = Registration.objects.select_for_update().get(pk=registration.pk)
    if fresh.revision != revision:
        raise ComponentChanged(
            f"{registration.apprentice.full_name}'s registration was changed by someone else "
            "while you were confirming the gateway: check the page below and confirm again"
        )
    spec, _ = specs.rules_of(registration)
    components = list(registration.gateway_components.order_by("position"))
    if not components:
        raise GatewayNotReady(["The gateway has no components yet: open its overview first"])
    problems = confirm_problems(fresh, components, time_checks(fresh, spec, day))
    if problems:
        raise GatewayNotReady(problems)
    window_end = gateway_rules.epa_window_end(spec, day)
    changes = {
        "status": (fresh.status, Registration.Status.GATEWAY_ACCEPTED),
        "gateway_date": (fresh.gateway_date, day),
        "epa_window_end": (fresh.epa_window_end, window_end),
    }
    updated = Registration.objects.filter(pk=fresh.pk, revision=revision).update(
        status=Registration.Status.GATEWAY_ACCEPTED,
        gateway_date=day,
        epa_window_end=window_end,
        revision=revision + 1,
        updated_at=clock.now(),
    )
    if not updated:
        raise ComponentChanged(
            "The registration was changed by someone else: check the page and confirm again"
        )
    registration.status = Registration.Status.GATEWAY_ACCEPTED
    registration.gateway_date = day
    registration.epa_window_end = window_end
    registration.revision = revision + 1
    rule = gateway_rules.epa_window_rule(spec)
    if window_end is not None and rule is not None:
        summary = (
            f"Gateway confirmed for {registration.apprentice.full_name}: the EPA window is open "
            f"from {day_text(day)} to {day_text(window_end)}"
        )
    else:
        summary = (
            f"Gateway confirmed for {registration.apprentice.full_name} on {day_text(day)}: "
            "the specification sets no EPA window length"
        )
    record_event(
        actor=user,
        epao=registration.epao,
        action="gateway.confirmed",
        obj=registration,
        registration=registration,
        summary=summary,
        changes=changes,
    )
    events.publish(GatewayConfirmed(registration))
    return registration
