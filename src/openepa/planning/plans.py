"""The planning meeting and the assessment plan: record it, sign it, agree it.

The allocated assessor records the planning meeting and the plan (each method's planned date,
mode and any reasonable adjustment); the apprentice and the assessor each sign their agreement
as themselves, and when both have signed the employer is told. Changing a signed plan clears
the signatures. This module also owns what the specification says of a plan (the modes each
method allows, the words signed) and the submission dates the plan records. The bookings of
each method are in :mod:`openepa.planning.bookings`.

Every change is audited with its old and new values; the plan changes by compare-and-swap on
``revision`` so two people never overwrite each other's work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.kernel import clock, events, specs
from openepa.planning.events import PlanAgreed, PlanReadyToSign
from openepa.planning.evidence import Evidenced
from openepa.planning.models import AssessmentPlan, PlannedMethod
from openepa.planning.services import PlanningRefused, RecordChanged
from openepa.registration.lifecycle import work_problem
from openepa.registration.models import Registration
from openepa.rules.labels import mode_label
from openepa.rules.loader import load_catalogue
from openepa.rules.model import Method, Specification
from openepa.rules.plausibility import planned_outside_window_problem, planning_meeting_problem

#: Modes offered where the specification does not say how a method may be carried out.
DEFAULT_MODES = ("face_to_face", "remote", "recorded")
#: The specification whose declaration words (seed 002) are used where a specification has none.
DECLARATIONS_FROM = "st0072-activeiq"
APPRENTICE_DECLARATION = "apprentice-agreement"
ASSESSOR_DECLARATION = "assessor-agreement-plan"
#: Submission dates recorded on the plan, with their labels.
SUBMISSIONS: dict[str, str] = {
    "gateway_form_sent_on": "Gateway form sent",
    "gateway_evidence_uploaded_on": "Gateway evidence uploaded",
    "portfolio_submitted_on": "Portfolio submitted",
    "report_submitted_on": "Project report submitted",
    "project_started_on": "Project started",
    "project_completed_on": "Project completed",
}
#: The booking rules' event of each submission date.
SUBMISSION_EVENTS: dict[str, str] = {
    "gateway_form_sent_on": "gateway_form",
    "gateway_evidence_uploaded_on": "gateway_evidence",
    "portfolio_submitted_on": "portfolio_submission",
    "report_submitted_on": "report_submission",
    "project_started_on": "project_start",
    "project_completed_on": "project_completion",
}


# --- the specification ------------------------------------------------------------------


def allowed_modes(method: Method) -> list[str]:
    """The modes a method may be carried out in (all three where the specification is silent)."""
    return list(method.modes.allowed) if method.modes is not None else list(DEFAULT_MODES)


def mode_choices(method: Method) -> list[tuple[str, str]]:
    """The allowed modes as form choices, in words."""
    return [(mode, mode_label(mode)) for mode in allowed_modes(method)]


@dataclass(frozen=True)
class Declarations:
    """The words the apprentice and the assessor sign to agree the plan."""

    apprentice: str
    assessor: str


def declarations(spec: Specification) -> Declarations:
    """The specification's own agreement declarations, or seed 002's (Active IQ) words."""
    texts = {policy.id: policy.text for policy in spec.policies}
    if APPRENTICE_DECLARATION not in texts or ASSESSOR_DECLARATION not in texts:
        seed = load_catalogue().specification(DECLARATIONS_FROM)
        fallback = {policy.id: policy.text for policy in seed.policies}
        texts = {**fallback, **texts}
    return Declarations(texts[APPRENTICE_DECLARATION], texts[ASSESSOR_DECLARATION])


def submissions_used(spec: Specification) -> list[str]:
    """The submission dates the specification uses, in the order of :data:`SUBMISSIONS`.

    Those its time rules name; the portfolio's where it has a portfolio; the project
    report's where it has a project. Active IQ (no rules, no project) uses only the
    portfolio's.
    """
    named = {part for rule in spec.time_rules for part in (rule.event, rule.before, rule.after)}
    has_portfolio = spec.evidence.portfolio is not None or any(
        requirement.uses == "portfolio" for requirement in spec.gateway.requirements
    )
    has_project = spec.evidence.project_report is not None or any(
        method.id == "project" for method in spec.methods
    )
    return [
        name
        for name in SUBMISSIONS
        if SUBMISSION_EVENTS[name] in named
        or (name == "portfolio_submitted_on" and has_portfolio)
        or (name == "report_submitted_on" and has_project)
    ]


@dataclass(frozen=True)
class SubmissionRow:
    """One submission date as the plan shows it: its label, date and where it comes from."""

    label: str
    on: date | None
    source: str


def submission_rows(
    spec: Specification, plan: AssessmentPlan | None, evidenced: Mapping[str, Evidenced]
) -> list[SubmissionRow]:
    """The specification's submission dates: from the evidence, recorded on the plan, or not."""
    rows = []
    for name in submissions_used(spec):
        if name in evidenced:
            rows.append(
                SubmissionRow(SUBMISSIONS[name], evidenced[name].on, evidenced[name].source)
            )
            continue
        recorded = getattr(plan, name) if plan is not None else None
        rows.append(SubmissionRow(SUBMISSIONS[name], recorded, "recorded on the plan"))
    return rows


# --- the plan ---------------------------------------------------------------------------


def plan_of(registration: Registration) -> AssessmentPlan | None:
    """The registration's plan with its people and methods, or None before it is recorded."""
    return (
        AssessmentPlan.objects.select_related(
            "recorded_by", "apprentice_signed_by", "assessor_signed_by"
        )
        .prefetch_related("methods")
        .filter(registration=registration)
        .first()
    )


def audit_change(
    actor: User, registration: Registration, obj: Any, action: str, summary: str, **kw: Any
) -> None:
    """Audit a change to the registration's plan or bookings, with its changes and reason."""
    record_event(
        actor=actor,
        epao=registration.epao,
        action=action,
        obj=obj,
        summary=summary,
        registration=registration,
        **kw,
    )


def _locked_plan(registration: Registration, revision: int) -> AssessmentPlan:
    """The plan locked for change, created if none; refused if changed since ``revision``.

    Refused too while the registration is withdrawn or on hold.
    """
    registration.refresh_from_db(fields=["status", "withdrawn_on"])
    problem = work_problem(registration)
    if problem:
        raise PlanningRefused(problem)
    plan, created = AssessmentPlan.objects.select_for_update().get_or_create(
        registration=registration
    )
    if not created and plan.revision != revision:
        raise RecordChanged(
            f"Someone else changed the plan of {registration.apprentice.full_name} while you "
            "were working on it: check their changes below and save again"
        )
    return plan


class PlanWarned(PlanningRefused):
    """A plan whose warnings (a method planned outside the EPA window) are not yet confirmed."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("; ".join(warnings), field="confirm")
        self.warnings = warnings


@dataclass(frozen=True)
class MethodPlan:
    """What the form gives for one method: planned date, mode and reasonable adjustment."""

    planned_date: date | None
    mode: str
    reasonable_adjustment: str


@transaction.atomic
def record_plan(
    registration: Registration,
    actor: User,
    *,
    revision: int,
    meeting_on: date,
    meeting_notes: str,
    methods: dict[str, MethodPlan],
    confirmed: bool = False,
) -> AssessmentPlan:
    """Record the planning meeting and each method's plan (the allocated assessor only).

    A change to a plan already signed clears both signatures, so both agree again. Refused
    with :class:`RecordChanged` if someone saved the plan since ``revision`` (0 for a new plan),
    and if the meeting is not between the gateway and the end of the EPA window; a method
    planned outside the window is saved only when ``confirmed`` (:class:`PlanWarned`).
    """
    if registration.assessor_id != actor.pk:
        raise PlanningRefused("Only the allocated assessor records the plan")
    spec = specs.specification_of(registration)
    plan = _locked_plan(registration, revision)
    check_plan_dates(registration, spec, meeting_on, methods, confirmed=confirmed)
    recorded_before = plan.meeting_on is not None
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in (("meeting_on", meeting_on), ("meeting_notes", meeting_notes)):
        if getattr(plan, name) != value:
            changes[name] = (getattr(plan, name), value)
            setattr(plan, name, value)
    existing = {m.method_id: m for m in plan.methods.all()}
    for position, method in enumerate(spec.methods, start=1):
        wanted = methods[method.id]
        if wanted.mode and wanted.mode not in allowed_modes(method):
            raise PlanningRefused(
                f"The {method.name} cannot be carried out that way: choose one of the modes shown",
                field=f"{method.id}_mode",
            )
        row = existing.get(method.id) or PlannedMethod(
            plan=plan, method_id=method.id, position=position
        )
        for name in ("planned_date", "mode", "reasonable_adjustment"):
            old = getattr(row, name) if row.pk else None
            new = getattr(wanted, name)
            if old != new and (row.pk or new):
                changes[f"{method.id}.{name}"] = (old, new)
            setattr(row, name, new)
        row.position = position
        row.save()
    if not changes:
        return plan
    if plan.apprentice_signed_at or plan.assessor_signed_at:
        changes["apprentice_signed_by"] = (str(plan.apprentice_signed_by or ""), None)
        changes["assessor_signed_by"] = (str(plan.assessor_signed_by or ""), None)
        plan.apprentice_signed_by = plan.assessor_signed_by = None
        plan.apprentice_signed_at = plan.assessor_signed_at = None
        plan.employer_told_at = None
    plan.recorded_by = actor
    plan.revision += 1
    plan.updated_at = clock.now()
    plan.save()
    audit_change(
        actor,
        registration,
        plan,
        "planning.plan_recorded",
        f"Assessment plan of {registration.apprentice.full_name} recorded",
        changes=changes,
    )
    events.publish(PlanReadyToSign(registration, plan, actor, changed=recorded_before))
    return plan


def check_plan_dates(
    registration: Registration,
    spec: Specification,
    meeting_on: date,
    methods: dict[str, MethodPlan],
    *,
    confirmed: bool,
) -> None:
    """Refuse a planning meeting outside the gateway and the EPA window.

    A method planned outside the window is a warning, refused until the assessor confirms it.
    """
    gateway, window_end = registration.gateway_date, registration.epa_window_end
    problem = planning_meeting_problem(meeting_on, gateway, window_end, clock.today())
    if problem:
        raise PlanningRefused(problem, field="meeting_on")
    warnings = [
        warning
        for method in spec.methods
        if (planned := methods[method.id].planned_date) is not None
        and (warning := planned_outside_window_problem(method.name, planned, gateway, window_end))
    ]
    if warnings and not confirmed:
        raise PlanWarned(warnings)


@transaction.atomic
def sign_plan(registration: Registration, actor: User, *, revision: int) -> AssessmentPlan:
    """The apprentice or the allocated assessor signs their agreement to the plan as themself.

    When both have signed, the employer's people are told by email.
    """
    plan = AssessmentPlan.objects.select_for_update().filter(registration=registration).first()
    if plan is None or plan.meeting_on is None:
        raise PlanningRefused(
            "The assessor has not recorded the plan yet: there is nothing to sign"
        )
    if plan.revision != revision:
        raise RecordChanged(
            "The plan changed since you opened this page: read it again before you sign"
        )
    is_apprentice = actor.role == User.Role.APPRENTICE and (
        registration.apprentice.user_id == actor.pk
    )
    is_assessor = actor.role == User.Role.ASSESSOR and registration.assessor_id == actor.pk
    if not (is_apprentice or is_assessor):
        raise PlanningRefused("Only the apprentice and the allocated assessor sign the plan")
    party = "apprentice" if is_apprentice else "assessor"
    if getattr(plan, f"{party}_signed_at") is not None:
        raise PlanningRefused("You have already signed this plan")
    now = clock.now()
    setattr(plan, f"{party}_signed_by", actor)
    setattr(plan, f"{party}_signed_at", now)
    changes: dict[str, tuple[Any, Any]] = {f"{party}_signed_by": (None, actor.full_name)}
    tell_employer = plan.agreed and plan.employer_told_at is None
    if tell_employer:
        plan.employer_told_at = now
        changes["employer_told_at"] = (None, now.isoformat())
    plan.revision += 1
    plan.save()
    if tell_employer:
        events.publish(PlanAgreed(registration, plan))
    audit_change(
        actor,
        registration,
        plan,
        "planning.plan_signed",
        f"Assessment plan of {registration.apprentice.full_name} signed by the {party}",
        changes=changes,
    )
    return plan
