"""The project proposal: written by the apprentice, decided by the approver the spec names.

The proposal is decided by the assessor the specification names
(``evidence.project_proposal.approved_by``): the registration's allocated assessor, or an
EPAO admin while none is allocated. Approval accepts the component: the specification gives
that decision to the assessor, so the EPAO does not review it a second time. A rejection
sets the date by which a revised proposal is due; one submitted later is marked late.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from openepa.accounts.models import User
from openepa.gateway.components import (
    audit_component,
    lock_component,
    require_party,
    save_component,
    start_gateway,
    state_problem,
    sync_component,
)
from openepa.gateway.events import ProposalDecided
from openepa.gateway.models import GatewayComponent, GatewaySubmission, ProjectProposal
from openepa.gateway.refusals import GatewayRefused
from openepa.gateway.wording import day_text
from openepa.kernel import clock, events, specs
from openepa.registration.access import party_of
from openepa.registration.models import Registration
from openepa.rules import gateway_rules
from openepa.rules.labels import party_words
from openepa.rules.model import Specification
from openepa.rules.words import count_words

Status = GatewayComponent.Status


def proposals_of(registration: Registration) -> list[ProjectProposal]:
    """Every project proposal of the registration, the latest first."""
    return list(
        registration.proposals.select_related("submitted_by", "decided_by").order_by("-attempt")
    )


def proposal_approver(spec: Specification) -> str:
    """Who decides the project proposal: the party the specification names, else the EPAO."""
    wording = spec.evidence.project_proposal
    return (wording.approved_by if wording and wording.approved_by else None) or "epao"


def may_decide_proposal(user: User, registration: Registration) -> bool:
    """Whether ``user`` approves or rejects this registration's project proposal.

    When the specification names the assessor, it is the registration's allocated assessor;
    while no assessor is allocated, an EPAO admin decides for the EPAO. Otherwise an EPAO
    admin decides.
    """
    party = party_of(user, registration)
    spec, _ = specs.rules_of(registration)
    if proposal_approver(spec) == "assessor":
        if registration.assessor_id is not None:
            return party == "assessor"
        return party == "epao"
    return party == "epao"


# --- submitting and deciding ------------------------------------------------------------


def _require_proposal(component: GatewayComponent) -> None:
    if component.uses != "project_proposal":
        raise GatewayRefused(f"{component.name} is not the project proposal")


@transaction.atomic
def submit_proposal(
    component: GatewayComponent,
    user: User,
    *,
    text: str,
    revision: int,
    on: date | None = None,
) -> ProjectProposal:
    """Submit the project proposal to its approver, refused outside the word range.

    A proposal resubmitted after the date the specification's resubmission rule set is
    marked late (and still accepted for the assessor to decide).
    """
    party = require_party(user, component)
    _require_proposal(component)
    fresh = lock_component(component, revision)
    problem = state_problem(fresh)
    if problem:
        raise GatewayRefused(problem)
    registration = component.registration
    spec, _ = specs.rules_of(registration)
    text = text.strip()
    if not text:
        raise GatewayRefused("Enter the text of your project proposal", field="text")
    words = count_words(text)
    wording = spec.evidence.project_proposal
    if wording is not None:
        problem = gateway_rules.word_count_problem(words, wording.min_words, wording.max_words)
        if problem:
            raise GatewayRefused(problem, field="text")
    day = on or clock.today()
    previous = registration.proposals.order_by("-attempt").first()
    late = bool(
        previous is not None
        and previous.decision == ProjectProposal.Decision.REJECTED
        and previous.resubmit_by is not None
        and day > previous.resubmit_by
    )
    attempt = fresh.attempts + 1
    proposal = ProjectProposal.objects.create(
        registration=registration,
        attempt=attempt,
        text=text,
        word_count=words,
        submitted_by=user,
        late=late,
    )
    GatewaySubmission.objects.create(
        component=fresh, attempt=attempt, submitted_by=user, answer=text
    )
    old_status = fresh.status
    save_component(fresh, status=Status.SUBMITTED, attempts=attempt)
    sync_component(component, fresh)
    start_gateway(registration, user)
    changes: dict[str, tuple[Any, Any]] = {
        "status": (old_status, Status.SUBMITTED),
        "attempts": (attempt - 1, attempt),
        "word count": (previous.word_count if previous else None, words),
    }
    if late and previous is not None and previous.resubmit_by is not None:
        changes["late"] = (False, True)
    summary = f"Project proposal of {words} words submitted by the {party_words(party)}"
    if late and previous is not None and previous.resubmit_by is not None:
        summary += f", late: it was due by {day_text(previous.resubmit_by)}"
    audit_component(user, fresh, "gateway.proposal_submitted", summary, changes)
    return proposal


@transaction.atomic
def decide_proposal(
    component: GatewayComponent,
    user: User,
    *,
    approve: bool,
    reason: str,
    revision: int,
    on: date | None = None,
) -> ProjectProposal:
    """Approve the waiting proposal (which accepts the component) or reject it with a reason.

    A rejection sets the date by which a revised proposal must be submitted, from the
    specification's ``proposal_resubmission`` rule where it has one.
    """
    registration = component.registration
    _require_proposal(component)
    if not may_decide_proposal(user, registration):
        raise PermissionDenied("Only the assessor of this apprentice can decide the proposal")
    fresh = lock_component(component, revision)
    if fresh.status != Status.SUBMITTED:
        raise GatewayRefused(
            f"There is no proposal waiting for a decision: {component.name} is "
            f"{fresh.get_status_display().lower()}"
        )
    proposal = registration.proposals.select_for_update().order_by("-attempt").first()
    submission = fresh.submissions.order_by("-attempt").first()
    if proposal is None or proposal.decision != ProjectProposal.Decision.PENDING:
        raise GatewayRefused("There is no proposal waiting for a decision")
    reason = reason.strip()
    now = clock.now()
    day = on or clock.today()
    spec, _ = specs.rules_of(registration)
    old_status = fresh.status
    if approve:
        proposal.decision = ProjectProposal.Decision.APPROVED
        new_status = Status.ACCEPTED
        save_component(fresh, status=new_status, accepted_at=now, accepted_by_id=user.pk)
    else:
        if not reason:
            raise GatewayRefused(
                "Enter the reason the proposal is rejected, so the apprentice knows what to change",
                field="reason",
            )
        proposal.decision = ProjectProposal.Decision.REJECTED
        proposal.resubmit_by = gateway_rules.proposal_resubmit_by(spec, day)
        new_status = Status.REJECTED
        save_component(fresh, status=new_status)
    proposal.decided_by = user
    proposal.decided_at = now
    proposal.reason = reason
    proposal.save(update_fields=["decision", "decided_by", "decided_at", "reason", "resubmit_by"])
    if submission is not None and submission.attempt == proposal.attempt:
        submission.decision = (
            GatewaySubmission.Decision.ACCEPTED if approve else GatewaySubmission.Decision.REJECTED
        )
        submission.decided_by = user
        submission.decided_at = now
        submission.reason = reason
        submission.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    sync_component(component, fresh)
    changes: dict[str, tuple[Any, Any]] = {
        "status": (old_status, new_status),
        "proposal decision": (ProjectProposal.Decision.PENDING, proposal.decision),
    }
    if proposal.resubmit_by:
        changes["resubmit by"] = (None, proposal.resubmit_by)
    verb = "approved" if approve else "rejected"
    audit_component(
        user,
        fresh,
        f"gateway.proposal_{verb}",
        f"Project proposal (attempt {proposal.attempt}) {verb} by {user.full_name}",
        changes,
        reason=reason,
    )
    events.publish(ProposalDecided(component, proposal, user))
    return proposal
