"""Who is told about each event, and what their email says.

Each function is called by a subscriber (:mod:`.subscriptions`) to the domain event the
service publishes, inside its transaction and after the change; each uses a key that makes a
repeat send nothing new (see :func:`openepa.notifications.services.notify`).

Kinds and keys:

- ``registration_confirmed``, ``registration_confirmed:<registration>``: the apprentice (if
  they have an account), the provider's and the employer's people.
- ``gateway_decision``, ``gateway_component:<submission>`` (a component accepted or rejected),
  ``gateway_proposal:<proposal>`` (a proposal approved or rejected),
  ``gateway_confirmed:<registration>:<gateway date>``: the apprentice, provider, employer.
- ``allocation``, ``allocation:<allocation record>``: the assessor, the IQA, the apprentice.
- ``conflict_declared``, ``conflict_declared:<relationship>:<registration>:<role>``: the
  EPAO's admins, to reallocate.
- ``plan_ready_to_sign``, ``plan_ready:<plan>:<revision>``: the apprentice and the assessor.
- ``plan_agreed``, ``plan_agreed:<plan>:<revision>``: the employer's people.
- ``booking_made``, ``booking_made:<booking>``; ``booking_moved``,
  ``booking_moved:<booking>:<revision>`` (also a cancellation): the apprentice, the assessor
  and the provider's people, with the booking's .ics file (not for a cancellation).
- ``result_released``, ``result_released:<result>``: the apprentice, employer, provider, with
  the results letter (PDF).
- ``reassessment_recorded``, ``reassessment:<sitting>``: the apprentice, employer, provider.
- ``appeal_lodged``, ``appeal_lodged:<appeal>``: the EPAO's admins and the person who lodged it.
- ``appeal_assigned``, ``appeal_assigned:<appeal>:<revision>``: the reviewer.
- ``appeal_decided``, ``appeal_decided:<appeal>``: the apprentice, employer, provider and the
  EPAO's admins.
- ``appeal_withdrawn``, ``appeal_withdrawn:<appeal>``: the EPAO's admins and the reviewer, if
  one was assigned.
- ``claim_ready``, ``claim_ready:<claim>:<revision>``: the EPAO's admins.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from openepa.accounts.models import User
from openepa.assessment.models import Sitting
from openepa.claims.models import CertificateClaim
from openepa.documents.models import DocumentBatch
from openepa.documents.services import results_letter
from openepa.gateway.models import GatewayComponent, GatewaySubmission, ProjectProposal
from openepa.kernel import clock, specs
from openepa.notifications.services import (
    Attachment,
    epao_admins,
    link,
    notify,
    parties,
    people_of,
)
from openepa.planning import calendar
from openepa.planning.models import Allocation as AllocationRecord
from openepa.planning.models import AssessmentPlan, Booking, Relationship
from openepa.registration.models import Registration
from openepa.results.appeals import appeal_ends_on
from openepa.results.models import Appeal, Result
from openepa.rules.booking.context import long_date
from openepa.rules.labels import method_name, mode_words

logger = logging.getLogger(__name__)


# --- registration -----------------------------------------------------------------------


def registration_confirmed(registrations: Sequence[Registration]) -> None:
    """Tell the apprentice, provider and employer of each new registration."""
    if not registrations:
        return
    orgs = {r.provider_id for r in registrations} | {r.employer_id for r in registrations}
    by_org: dict[int, list[User]] = {}
    for person in people_of(*orgs):
        assert person.organisation_id is not None
        by_org.setdefault(person.organisation_id, []).append(person)
    for registration in registrations:
        users = [
            registration.apprentice.user,
            *by_org.get(registration.provider_id, []),
            *by_org.get(registration.employer_id, []),
        ]
        notify(
            users=users,
            kind="registration_confirmed",
            key=f"registration_confirmed:{registration.pk}",
            registration=registration,
            context={"link": link("registration:detail", registration.pk)},
        )


# --- the gateway -------------------------------------------------------------------------


def component_decided(
    component: GatewayComponent, submission: GatewaySubmission, decided_by: User
) -> None:
    """Tell the parties that a gateway component was accepted or rejected."""
    registration = component.registration
    notify(
        users=parties(registration),
        kind="gateway_decision",
        key=f"gateway_component:{submission.pk}",
        registration=registration,
        context={
            "event": "component",
            "what": component.name,
            "decision": str(submission.decision),
            "decided_by": decided_by.full_name,
            "reason": submission.reason,
            "link": link("gateway:overview", registration.pk),
        },
    )


def proposal_decided(
    component: GatewayComponent, proposal: ProjectProposal, decided_by: User
) -> None:
    """Tell the parties that the project proposal was approved or rejected."""
    registration = component.registration
    notify(
        users=parties(registration),
        kind="gateway_decision",
        key=f"gateway_proposal:{proposal.pk}",
        registration=registration,
        context={
            "event": "proposal",
            "what": "project proposal",
            "decision": str(proposal.decision),
            "decided_by": decided_by.full_name,
            "reason": proposal.reason,
            "resubmit_by": proposal.resubmit_by,
            "link": link("gateway:overview", registration.pk),
        },
    )


def gateway_confirmed(registration: Registration) -> None:
    """Tell the parties that the gateway is confirmed and until when the EPA window is open."""
    notify(
        users=parties(registration),
        kind="gateway_decision",
        key=f"gateway_confirmed:{registration.pk}:{registration.gateway_date}",
        registration=registration,
        context={
            "event": "confirmed",
            "what": "gateway",
            "decision": "confirmed",
            "gateway_date": registration.gateway_date,
            "window_end": registration.epa_window_end,
            "link": link("gateway:overview", registration.pk),
        },
    )


# --- planning ----------------------------------------------------------------------------


def allocated(registration: Registration, record: AllocationRecord) -> None:
    """Tell the assessor and the IQA they were allocated, and the apprentice who assesses."""
    notify(
        users=[record.assessor, record.iqa, registration.apprentice.user],
        kind="allocation",
        key=f"allocation:{record.pk}",
        registration=registration,
        context={
            "assessor": record.assessor,
            "iqa": record.iqa,
            "reason": record.reason,
            "link": link("registration:detail", registration.pk),
        },
    )


def _plan_lines(registration: Registration, plan: AssessmentPlan) -> list[str]:
    spec = specs.specification_of(registration)
    return [
        f"- {method_name(spec, m.method_id)}: "
        f"{long_date(m.planned_date) if m.planned_date else 'date to be agreed'}"
        f"{', ' + mode_words(m.mode) if m.mode else ''}"
        for m in plan.methods.order_by("position")
    ]


def conflict_declared(
    registration: Registration, relationship: Relationship, person: User, role: str
) -> None:
    """Ask the EPAO's admins to reallocate: the assessor or IQA is no longer independent."""
    notify(
        users=epao_admins(registration.epao_id),
        kind="conflict_declared",
        key=f"conflict_declared:{relationship.pk}:{registration.pk}:{role}",
        registration=registration,
        context={
            "person": person,
            "role": role,
            "relationship": relationship,
            "link": link("planning:allocate", registration.pk),
        },
    )


def plan_ready_to_sign(
    registration: Registration, plan: AssessmentPlan, recorded_by: User, *, changed: bool
) -> None:
    """Tell the apprentice and the assessor the plan is recorded (or changed) and to sign it."""
    notify(
        users=[registration.apprentice.user, registration.assessor],
        kind="plan_ready_to_sign",
        key=f"plan_ready:{plan.pk}:{plan.revision}",
        registration=registration,
        context={
            "methods": _plan_lines(registration, plan),
            "recorded_by": recorded_by.full_name,
            "changed": changed,
            "link": link("planning:plan", registration.pk),
        },
    )


def plan_agreed(registration: Registration, plan: AssessmentPlan) -> None:
    """Tell the employer's people that the apprentice and the assessor signed the plan."""
    notify(
        users=people_of(registration.employer_id),
        kind="plan_agreed",
        key=f"plan_agreed:{plan.pk}:{plan.revision}",
        registration=registration,
        context={
            "methods": _plan_lines(registration, plan),
            "link": link("planning:plan", registration.pk),
        },
    )


def _booking_context(booking: Booking) -> dict[str, Any]:
    registration = booking.registration
    spec = specs.specification_of(registration)
    minutes = ", ".join(f"{m} minutes" for m in booking.minutes or ())
    return {
        "method": method_name(spec, booking.method_id),
        "on": booking.on,
        "starts_at": booking.starts_at,
        "mode": booking.mode,
        "minutes": minutes,
        "assessor": booking.assessor,
        "link": link("planning:plan", registration.pk),
    }


def _ics(booking: Booking) -> Attachment:
    text = calendar.render([calendar.booking_event(booking)], "OpenEPA booking", clock.now())
    return Attachment(f"booking-{booking.pk}.ics", text.encode("utf-8"), "text/calendar")


def _booking_people(booking: Booking) -> list[User | None]:
    registration = booking.registration
    return [registration.apprentice.user, booking.assessor, *people_of(registration.provider_id)]


def booking_made(booking: Booking) -> None:
    """Tell the apprentice, the assessor and the provider, with the booking's .ics file."""
    notify(
        users=_booking_people(booking),
        kind="booking_made",
        key=f"booking_made:{booking.pk}",
        registration=booking.registration,
        context=_booking_context(booking),
        attachments=[_ics(booking)],
    )


def booking_moved(booking: Booking, *, old_on: Any, reason: str, cancelled: bool = False) -> None:
    """Tell the same people a booking moved (with the new .ics file) or was cancelled."""
    notify(
        users=_booking_people(booking),
        kind="booking_moved",
        key=f"booking_moved:{booking.pk}:{booking.revision}",
        registration=booking.registration,
        context={
            **_booking_context(booking),
            "old_on": old_on,
            "reason": reason,
            "cancelled": cancelled,
        },
        attachments=[] if cancelled else [_ics(booking)],
    )


# --- results -----------------------------------------------------------------------------


def _results_letter(result: Result) -> Attachment | None:
    name = "results-letter" if result.achieved else "feedback-and-next-steps"
    uln = result.registration.apprentice.uln
    return Attachment(f"{name}-{uln}.pdf", results_letter(result), "application/pdf")


def result_released(result: Result) -> None:
    """Tell the apprentice, employer and provider the result, with the results letter."""
    registration = result.registration
    letter = _results_letter(result)
    notify(
        users=parties(registration),
        kind="result_released",
        key=f"result_released:{result.pk}",
        registration=registration,
        context={
            "result": result,
            "released_on": timezone.localdate(result.released_at),
            "appeal_ends_on": appeal_ends_on(result),
            "has_letter": letter is not None,
            "link": link("results:result", registration.pk),
        },
        attachments=[letter] if letter else [],
    )


def reassessment_recorded(
    registration: Registration,
    sitting: Sitting,
    *,
    what: str,
    deadline_on: Any,
    deadline_rule: str,
    gateway_again: bool,
) -> None:
    """Tell the apprentice, employer and provider of a resit or retake and its deadline."""
    notify(
        users=parties(registration),
        kind="reassessment_recorded",
        key=f"reassessment:{sitting.pk}",
        registration=registration,
        context={
            "sitting": sitting,
            "kind": sitting.get_kind_display().lower(),
            "what": what,
            "deadline_on": deadline_on,
            "deadline_rule": deadline_rule,
            "gateway_again": gateway_again,
            "link": link("registration:detail", registration.pk),
        },
    )


def appeal_lodged(appeal: Appeal) -> None:
    """Tell the EPAO's admins (to assign a reviewer) and the person who lodged it."""
    registration = appeal.registration
    for users, page in (
        (list(epao_admins(registration.epao_id)), link("results:appeals")),
        ([appeal.lodged_by], link("results:result", registration.pk)),
    ):
        notify(
            users=users,
            kind="appeal_lodged",
            key=f"appeal_lodged:{appeal.pk}",
            registration=registration,
            context={
                "appeal": appeal,
                "lodged_on": timezone.localdate(appeal.lodged_at),
                "link": page,
            },
        )


def appeal_assigned(appeal: Appeal, assigned_by: User) -> None:
    """Tell the reviewer the appeal is theirs to review."""
    notify(
        users=[appeal.reviewer],
        kind="appeal_assigned",
        key=f"appeal_assigned:{appeal.pk}:{appeal.revision}",
        registration=appeal.registration,
        context={
            "appeal": appeal,
            "assigned_by": assigned_by.full_name,
            "link": link("results:my_appeals"),
        },
    )


def appeal_decided(appeal: Appeal) -> None:
    """Tell the parties and the EPAO's admins the decision and its reasons."""
    registration = appeal.registration
    result = appeal.result
    result.refresh_from_db(fields=["grade", "label"])
    notify(
        users=[*parties(registration), *epao_admins(registration.epao_id)],
        kind="appeal_decided",
        key=f"appeal_decided:{appeal.pk}",
        registration=registration,
        context={
            "appeal": appeal,
            "status_label": appeal.get_status_display(),
            "upheld": appeal.status == appeal.Status.UPHELD,
            "decided_on": timezone.localdate(appeal.decided_at),
            "result_label": result.label,
            "link": link("results:result", registration.pk),
        },
    )


def appeal_withdrawn(appeal: Appeal) -> None:
    """Tell the EPAO's admins, and the reviewer if assigned, that the appeal was withdrawn."""
    registration = appeal.registration
    reviewer = [appeal.reviewer] if appeal.reviewer_id and appeal.reviewer else []
    for users, page in (
        (list(epao_admins(registration.epao_id)), link("results:appeals")),
        (reviewer, link("results:my_appeals")),
    ):
        notify(
            users=users,
            kind="appeal_withdrawn",
            key=f"appeal_withdrawn:{appeal.pk}",
            registration=registration,
            context={
                "appeal": appeal,
                "withdrawn_on": timezone.localdate(appeal.withdrawn_at),
                "link": page,
            },
        )


def claim_ready(claim: CertificateClaim, marked_by: User) -> None:
    """Tell the EPAO's admins a certificate claim is ready to send to the service."""
    notify(
        users=epao_admins(claim.epao_id),
        kind="claim_ready",
        key=f"claim_ready:{claim.pk}:{claim.revision}",
        registration=claim.registration,
        context={
            "claim": claim,
            "marked_by": marked_by.full_name,
            "link": link("claims:detail", claim.pk),
        },
    )


def documents_ready(batch: DocumentBatch) -> None:
    """Tell the person who asked that the batch is ready (once: the key is the batch)."""
    letters = "letter" if batch.count == 1 else "letters"
    context: dict[str, Any] = {
        "batch": batch,
        "count": batch.count,
        "what": (
            f"The results letters of results released {long_date(batch.released_from)} to "
            f"{long_date(batch.released_to)} are ready"
        ),
        "detail": f"{batch.count} {letters} in one ZIP file.",
        "link": link("documents:batch_download", batch.pk),
    }
    notify(
        users=[batch.requested_by],
        kind="documents_ready",
        key=f"batch:{batch.pk}",
        context=context,
    )


# --- in the background -----------------------------------------------------------------


#: How many registrations one batch of confirmations reads at a time.
CONFIRM_BATCH = 200


@task()
def confirm_registrations(registration_ids: list[int]) -> int:
    """Tell the parties of each new registration, a batch at a time; safe to run twice.

    A CSV upload registers up to a thousand apprentices in one request; their emails are
    prepared here, after the upload has been saved, rather than inside it. A registration
    already confirmed is not confirmed again (the notification's key).
    """
    for start in range(0, len(registration_ids), CONFIRM_BATCH):
        chunk = registration_ids[start : start + CONFIRM_BATCH]
        with transaction.atomic():
            registration_confirmed(
                list(
                    Registration.objects.filter(pk__in=chunk)
                    .select_related("apprentice__user", "specification", "provider", "employer")
                    .order_by("pk")
                )
            )
    return len(registration_ids)
