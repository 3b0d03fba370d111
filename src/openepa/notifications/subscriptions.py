"""Which email each domain event sends (see :mod:`openepa.kernel.events`).

Each subscriber hands the event to the function of :mod:`.messages` that says who is told
and what their email says. Registrations are confirmed by a background task after the
registrations commit, since a CSV upload registers up to a thousand at once.
"""

from __future__ import annotations

from django.db import transaction

from openepa.claims.events import ClaimReady
from openepa.documents.events import DocumentsReady
from openepa.gateway.events import ComponentDecided, GatewayConfirmed, ProposalDecided
from openepa.kernel.events import subscribe
from openepa.notifications import lifecycle, messages
from openepa.planning.events import (
    AssessorAllocated,
    BookingMade,
    BookingMoved,
    ConflictDeclared,
    PlanAgreed,
    PlanReadyToSign,
)
from openepa.registration.events import ApprenticesRegistered, RegistrationWithdrawn
from openepa.results.events import (
    AppealAssigned,
    AppealDecided,
    AppealLodged,
    AppealWithdrawn,
    ReassessmentRecorded,
    ResultReleased,
)


@subscribe(ApprenticesRegistered)
def confirm_registrations(event: ApprenticesRegistered) -> None:
    """Tell the parties of the new registrations, in a task once they are saved."""
    ids = [registration.pk for registration in event.registrations]
    transaction.on_commit(lambda: messages.confirm_registrations.enqueue(ids))


@subscribe(RegistrationWithdrawn)
def registration_withdrawn(event: RegistrationWithdrawn) -> None:
    """Tell the parties, the assessor and the IQA that the registration is withdrawn."""
    lifecycle.registration_withdrawn(event.registration, event.actor, event.reason)


@subscribe(ComponentDecided)
def component_decided(event: ComponentDecided) -> None:
    """Tell the parties a gateway component was accepted or rejected."""
    messages.component_decided(event.component, event.submission, event.decided_by)


@subscribe(ProposalDecided)
def proposal_decided(event: ProposalDecided) -> None:
    """Tell the parties the project proposal was approved or rejected."""
    messages.proposal_decided(event.component, event.proposal, event.decided_by)


@subscribe(GatewayConfirmed)
def gateway_confirmed(event: GatewayConfirmed) -> None:
    """Tell the parties the gateway is confirmed and the EPA window open."""
    messages.gateway_confirmed(event.registration)


@subscribe(AssessorAllocated)
def allocated(event: AssessorAllocated) -> None:
    """Tell the assessor, the IQA and the apprentice of an allocation."""
    messages.allocated(event.registration, event.allocation)


@subscribe(ConflictDeclared)
def conflict_declared(event: ConflictDeclared) -> None:
    """Ask the EPAO's admins to reallocate an apprentice whose assessor or IQA is conflicted."""
    messages.conflict_declared(event.registration, event.relationship, event.person, event.role)


@subscribe(PlanReadyToSign)
def plan_ready_to_sign(event: PlanReadyToSign) -> None:
    """Ask the apprentice and the assessor to sign the assessment plan."""
    messages.plan_ready_to_sign(event.registration, event.plan, event.actor, changed=event.changed)


@subscribe(PlanAgreed)
def plan_agreed(event: PlanAgreed) -> None:
    """Tell the employer the assessment plan is agreed."""
    messages.plan_agreed(event.registration, event.plan)


@subscribe(BookingMade)
def booking_made(event: BookingMade) -> None:
    """Send the booking, with its calendar file, to the people who attend."""
    messages.booking_made(event.booking)


@subscribe(BookingMoved)
def booking_moved(event: BookingMoved) -> None:
    """Tell the people who attend that a booking moved or was cancelled."""
    messages.booking_moved(
        event.booking, old_on=event.old_on, reason=event.reason, cancelled=event.cancelled
    )


@subscribe(ResultReleased)
def result_released(event: ResultReleased) -> None:
    """Send the result, with the results letter, to the apprentice, employer and provider."""
    messages.result_released(event.result)


@subscribe(ReassessmentRecorded)
def reassessment_recorded(event: ReassessmentRecorded) -> None:
    """Tell the parties a resit or retake was recorded, with its deadline."""
    messages.reassessment_recorded(
        event.registration,
        event.sitting,
        what=event.what,
        deadline_on=event.deadline_on,
        deadline_rule=event.deadline_rule,
        gateway_again=event.gateway_again,
    )


@subscribe(AppealLodged)
def appeal_lodged(event: AppealLodged) -> None:
    """Tell the EPAO's admins and the person who lodged it that an appeal was lodged."""
    messages.appeal_lodged(event.appeal)


@subscribe(AppealAssigned)
def appeal_assigned(event: AppealAssigned) -> None:
    """Tell the reviewer an appeal was assigned to them."""
    messages.appeal_assigned(event.appeal, event.assigned_by)


@subscribe(AppealDecided)
def appeal_decided(event: AppealDecided) -> None:
    """Tell the parties and the EPAO's admins an appeal was decided."""
    messages.appeal_decided(event.appeal)


@subscribe(ClaimReady)
def claim_ready(event: ClaimReady) -> None:
    """Tell the EPAO's admins a certificate claim is ready to send."""
    messages.claim_ready(event.claim, event.marked_by)


@subscribe(DocumentsReady)
def documents_ready(event: DocumentsReady) -> None:
    """Tell the person who asked for a batch of documents that it is ready."""
    messages.documents_ready(event.batch)


@subscribe(AppealWithdrawn)
def appeal_withdrawn(event: AppealWithdrawn) -> None:
    """Tell the EPAO's admins (and the reviewer, if one was assigned) the appeal was withdrawn."""
    messages.appeal_withdrawn(event.appeal)
