"""Resits and retakes after a released fail, and the recalculation of a released result.

After the EPAO releases a fail, an EPAO admin records, with the employer's agreement, a
resit or a retake of the failed methods: a new :class:`Sitting` taking only those methods
(the passed ones carry forward), within the specification's time limit, or — once that has
passed — of the whole EPA. A retake records the further learning and, where the
specification says so, sends the apprentice back through the gateway.

A released result is only ever changed by :func:`recalculate_result`, which keeps the old
grades in a :class:`ResultChange`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.grading import grade_sitting
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.assessment.sittings import current_sitting
from openepa.audit.services import record_event
from openepa.gateway.models import GatewayComponent
from openepa.kernel import clock, events, specs
from openepa.registration.access import party_of
from openepa.registration.models import Registration
from openepa.results.events import ReassessmentRecorded, ResultRegraded
from openepa.results.models import Result, ResultChange
from openepa.results.release import methods_snapshot
from openepa.rules import reassessment as rules
from openepa.rules.dates import long_date
from openepa.rules.model import Specification

KIND_LABELS = {"resit": "resit", "retake": "retake"}


class ReassessmentRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """A resit or retake that cannot be recorded, with the user's message(s) by form field."""

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or {}


# --- what the registration's page shows -------------------------------------------------


@dataclass
class ReassessmentState:
    """A registration's sittings, latest result, deadline and what can be recorded now."""

    registration: Registration
    spec: Specification
    sittings: list[Sitting]
    sitting: Sitting | None
    result: Result | None
    deadline: rules.Deadline | None
    rework_ends_on: date | None
    failed: list[str]
    attempt: int
    on: date
    refusal: str | None = None
    method_names: dict[str, str] = field(default_factory=dict)

    @property
    def past_limit(self) -> bool:
        """The time limit for taking the failed methods again has passed."""
        return rules.past_time_limit("resit", self.deadline, self.on) is not None

    @property
    def can_record(self) -> bool:
        """Whether a resit or retake (or the whole EPA) can be recorded now."""
        return self.refusal is None

    @property
    def failed_names(self) -> list[str]:
        """The names of the failed methods."""
        return [self.method_names.get(m, m) for m in self.failed]

    @property
    def attempts_source(self) -> Any:
        """Who decides the number of attempts, with the specification's words, if it says."""
        return self.spec.reassessment.attempts_decided_by


def attempt_cycle(sittings: list[Sitting]) -> list[Sitting]:
    """The sittings since the EPA was last taken whole (the first, or a whole EPA again)."""
    start = 0
    for index, sitting in enumerate(sittings):
        if sitting.kind == Sitting.Kind.FIRST or sitting.whole_epa:
            start = index
    return sittings[start:]


def _first_assessed_on(sittings: list[Sitting]) -> date | None:
    days: list[date] = []
    for record in AssessmentRecord.objects.filter(sitting__in=sittings).only(
        "assessed_on", "occasions"
    ):
        if record.assessed_on:
            days.append(record.assessed_on)
        for occasion in record.occasions or []:
            if occasion.get("on"):
                days.append(date.fromisoformat(occasion["on"]))
    return min(days) if days else None


def released_on(result: Result) -> date:
    """The day the result was released, in the EPAO's time zone."""
    return timezone.localdate(result.released_at)


def reassessment_state(registration: Registration, *, on: date | None = None) -> ReassessmentState:
    """Everything the resit and retake page shows, and why nothing can be recorded, if so."""
    day = on or clock.today()
    spec, _ = specs.rules_of(registration)
    sittings = list(registration.sittings.order_by("number"))
    results = {
        r.sitting_id: r
        for r in Result.objects.filter(registration=registration).select_related("released_by")
    }
    sitting = sittings[-1] if sittings else None
    result = results.get(sitting.pk) if sitting else None
    cycle = attempt_cycle(sittings)
    fails = [results[s.pk] for s in cycle if s.pk in results and results[s.pk].grade == "fail"]
    first_fail = released_on(fails[0]) if fails else None
    deadline = rules.reassessment_deadline(
        spec,
        first_fail_released_on=first_fail,
        first_assessed_on=_first_assessed_on(cycle) if cycle else None,
    )
    latest_fail = released_on(fails[-1]) if fails else None
    state = ReassessmentState(
        registration=registration,
        spec=spec,
        sittings=sittings,
        sitting=sitting,
        result=result,
        deadline=deadline if fails else None,
        rework_ends_on=rules.project_rework_deadline(spec, latest_fail),
        failed=rules.failed_methods(result.methods) if result else [],
        attempt=sum(1 for s in sittings if s.kind != Sitting.Kind.FIRST) + 1,
        on=day,
        method_names={m.id: m.name for m in spec.methods},
    )
    state.refusal = _refusal(state, "resit")
    return state


def _refusal(state: ReassessmentState, kind: str) -> str | None:
    """Why no resit or retake can be recorded now, or None."""
    registration = state.registration
    name = registration.apprentice.full_name
    if state.sitting is None:
        return f"{name} has not been assessed yet: a resit or retake follows a released fail."
    if state.result is None:
        return (
            f"The result of {name}'s {state.sitting.get_kind_display().lower()} (sitting "
            f"{state.sitting.number}) has not been released yet: a resit or retake can be "
            "recorded once a fail is released."
        )
    if state.result.achieved:
        return rules.improving_a_pass(
            state.spec, kind, name, state.result.label, released_on(state.result)
        )
    if registration.status != Registration.Status.GATEWAY_ACCEPTED:
        return (
            f"{name}'s registration is {registration.get_status_display().lower()}: a resit or "
            "retake can be recorded only while the gateway is accepted."
        )
    return None


# --- recording a resit or retake --------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """What the EPAO admin records with a resit or retake."""

    kind: str
    whole_epa: bool = False
    employer_agreed: bool = False
    employer_contact: str = ""
    employer_agreed_on: date | None = None
    attempts_agreed: int | None = None
    further_learning: str = ""
    exceptional_circumstances: bool = False
    exceptional_reason: str = ""
    reason: str = ""


@transaction.atomic
def record_reassessment(
    registration: Registration, user: User, agreement: Agreement, *, based_on: int | None
) -> Sitting:
    """Record a resit or retake of the failed methods (or of the whole EPA) as a new sitting.

    ``based_on`` is the number of the sitting the admin's page showed: if someone recorded a
    resit or retake meanwhile, this one is refused and nothing is created. Refused, with the
    user's messages, after a pass, past the time limit, without the employer's agreement, a
    retake without further learning, or exceptional circumstances the specification does not
    allow.
    """
    if party_of(user, registration) != "epao":
        raise PermissionDenied("Only an EPAO admin can record a resit or retake")
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    registration.refresh_from_db(fields=["status", "revision", "gateway_date", "epa_window_end"])
    kind = agreement.kind
    if kind not in rules.KINDS:
        raise ReassessmentRefused(
            "Choose whether it is a resit or a retake.", {"kind": "Choose resit or retake."}
        )
    state = reassessment_state(registration)
    latest = state.sitting.number if state.sitting else None
    if based_on is not None and latest != based_on:
        newest = state.sittings[-1]
        who = newest.created_by.full_name if newest.created_by else "Someone else"
        raise ReassessmentRefused(
            f"{who} recorded a {newest.get_kind_display().lower()} (sitting {newest.number}) at "
            f"{timezone.localtime(newest.created_at):%H:%M} while you were working: check it "
            "below before recording another."
        )
    refusal = _refusal(state, kind)
    if refusal:
        raise ReassessmentRefused(refusal)
    if agreement.whole_epa:
        problem = rules.whole_epa_not_due(state.deadline, state.on)
    else:
        problem = rules.past_time_limit(kind, state.deadline, state.on)
    if problem:
        raise ReassessmentRefused(problem, {"whole_epa": problem} if agreement.whole_epa else {})
    problems = rules.employer_agreement_problems(
        agreement.employer_agreed,
        agreement.employer_contact,
        agreement.employer_agreed_on,
        state.on,
        started_on=registration.start_date,
    )
    for name, message in (
        ("attempts_agreed", rules.attempts_problem(state.attempt, agreement.attempts_agreed)),
        ("further_learning", rules.further_learning_problem(kind, agreement.further_learning)),
        (
            "exceptional_circumstances",
            rules.exceptional_circumstances_problem(
                state.spec, agreement.exceptional_circumstances, agreement.exceptional_reason
            ),
        ),
    ):
        if message:
            problems[name] = message
    if problems:
        raise ReassessmentRefused(f"The {kind} cannot be recorded yet.", problems)
    assert state.sitting is not None
    assert state.result is not None
    methods = [m.id for m in state.spec.methods] if agreement.whole_epa else state.failed
    sitting = Sitting.objects.create(
        registration=registration,
        number=state.sitting.number + 1,
        kind=kind,
        methods=methods,
        whole_epa=agreement.whole_epa,
        employer_agreed=True,
        employer_contact=agreement.employer_contact.strip(),
        employer_agreed_on=agreement.employer_agreed_on,
        attempts_agreed=agreement.attempts_agreed,
        further_learning=agreement.further_learning.strip(),
        exceptional_circumstances=agreement.exceptional_circumstances,
        exceptional_reason=agreement.exceptional_reason.strip(),
        reason=agreement.reason.strip(),
        created_by=user,
    )
    names = ", ".join(state.method_names.get(m, m) for m in methods)
    what = "the whole EPA" if agreement.whole_epa else names
    record_event(
        actor=user,
        epao=registration.epao,
        action=f"reassessment.{kind}",
        obj=sitting,
        registration=registration,
        summary=(
            f"{kind.capitalize()} of {what} recorded for {registration.apprentice.full_name} "
            f"(sitting {sitting.number}), agreed by {sitting.employer_contact} on "
            f"{long_date(agreement.employer_agreed_on or state.on)}"
        ),
        changes={
            "sitting": (state.sitting.number, sitting.number),
            "kind": (None, kind),
            "methods": (None, methods),
            "whole EPA": (None, sitting.whole_epa),
            "attempts agreed": (None, sitting.attempts_agreed),
            "further learning": (None, sitting.further_learning or None),
            "exceptional circumstances": (None, sitting.exceptional_circumstances),
        },
        reason=sitting.exceptional_reason or sitting.reason,
    )
    gateway_again = rules.returns_to_gateway(state.spec, kind)
    if gateway_again:
        return_to_gateway(registration, user, sitting, state.spec)
    events.publish(
        ReassessmentRecorded(
            registration,
            sitting,
            what=what,
            deadline_on=state.deadline.ends_on if state.deadline else None,
            deadline_rule=state.deadline.summary if state.deadline else "",
            gateway_again=gateway_again,
        )
    )
    return sitting


def return_to_gateway(
    registration: Registration, user: User, sitting: Sitting, spec: Specification
) -> list[GatewayComponent]:
    """Send the registration back through the gateway for a retake, as the spec says.

    The status goes back to "gateway in progress" and each accepted component that further
    learning changes (:func:`openepa.rules.reassessment.components_to_reopen`) is reopened
    for the parties to submit or sign again and the EPAO to review. The gateway date and EPA
    window stay as they were until the EPAO confirms the gateway again, which sets new ones.
    Every change is audited with the reason.
    """
    rule = spec.reassessment.retake_returns_to_gateway
    reason = (
        f"Retake (sitting {sitting.number}) after further learning: {sitting.further_learning}"
        + (f'; {spec.epao.name}: "{rule.source.quote}"' if rule and rule.source.quote else "")
    )
    components = list(
        GatewayComponent.objects.select_for_update().filter(registration=registration)
    )
    reopen = set(
        rules.components_to_reopen(
            {"requirement_id": c.requirement_id, "uses": c.uses, "status": c.status}
            for c in components
        )
    )
    reopened: list[GatewayComponent] = []
    for component in components:
        if component.requirement_id not in reopen:
            continue
        GatewayComponent.objects.filter(pk=component.pk).update(
            status=GatewayComponent.Status.IN_PROGRESS,
            accepted_at=None,
            accepted_by=None,
            revision=component.revision + 1,
        )
        record_event(
            actor=user,
            epao=registration.epao,
            action="gateway.reopened",
            obj=component,
            registration=registration,
            summary=(
                f"{component.name} reopened for review: the apprentice retakes after "
                "further learning"
            ),
            changes={
                "status": (component.status, GatewayComponent.Status.IN_PROGRESS),
                "accepted at": (component.accepted_at, None),
            },
            reason=reason,
        )
        reopened.append(component)
    old_status = registration.status
    Registration.objects.filter(pk=registration.pk).update(
        status=Registration.Status.GATEWAY,
        revision=registration.revision + 1,
        updated_at=clock.now(),
    )
    registration.status = Registration.Status.GATEWAY
    registration.revision += 1
    record_event(
        actor=user,
        epao=registration.epao,
        action="registration.status_changed",
        obj=registration,
        registration=registration,
        summary=(
            f"{registration.apprentice.full_name} returns to the gateway for a retake: "
            + (", ".join(c.name for c in reopened) or "no component")
            + " to be reviewed again"
        ),
        changes={"status": (old_status, Registration.Status.GATEWAY)},
        reason=reason,
    )
    return reopened


def gateway_note(registration: Registration) -> str | None:
    """The note for the gateway page while a retake sends the apprentice through it again."""
    if registration.status != Registration.Status.GATEWAY or registration.gateway_date is None:
        # Only a gateway confirmed before (and so dated) can be back for a retake.
        return None
    sitting = current_sitting(registration)
    if sitting is None or sitting.kind != Sitting.Kind.RETAKE or hasattr(sitting, "result"):
        return None
    return (
        f"{registration.apprentice.full_name} is retaking the EPA after further learning "
        f"(recorded on {long_date(timezone.localdate(sitting.created_at))}): the reopened "
        "components need to be submitted or signed again and reviewed, and the EPAO then "
        "confirms the gateway again before the retake is assessed."
    )


# --- released results -------------------------------------------------------------------


def _grades(methods: list[dict[str, Any]]) -> dict[str, str]:
    return {m["id"]: m["grade"] for m in methods}


@transaction.atomic
def recalculate_result(result: Result, user: User, reason: str, cause: str) -> ResultChange | None:
    """Grade the result's sitting again with the engine and keep any change in its history.

    If the EPA grade or any method's grade changed, a :class:`ResultChange` keeps the old and
    new grades and methods, who, when and why, and the result takes the new grades (its
    revision goes up). Returns None when nothing changed.
    """
    fresh = Result.objects.select_for_update().select_related("sitting").get(pk=result.pk)
    registration = fresh.registration
    graded = grade_sitting(registration, fresh.sitting)
    new_methods = methods_snapshot(registration, fresh.sitting, graded)
    overall = graded.overall
    if overall.grade == fresh.grade and _grades(new_methods) == _grades(fresh.methods):
        return None
    change = ResultChange.objects.create(
        result=fresh,
        old_grade=fresh.grade,
        new_grade=overall.grade,
        old_methods=fresh.methods,
        new_methods=new_methods,
        reason=reason,
        cause=cause,
        changed_by=user,
    )
    old_grade, old_label = fresh.grade, fresh.label
    fresh.grade, fresh.label, fresh.reason = overall.grade, overall.label, overall.reason
    fresh.capped = overall.capped
    fresh.methods = new_methods
    fresh.revision += 1
    fresh.save(update_fields=["grade", "label", "reason", "capped", "methods", "revision"])
    for name in ("grade", "label", "reason", "capped", "methods", "revision"):
        setattr(result, name, getattr(fresh, name))
    _follow_grade_change(fresh, old_grade, user, reason)
    record_event(
        actor=user,
        epao=registration.epao,
        action="result.changed",
        obj=fresh,
        registration=registration,
        summary=(
            f"Result of {registration.apprentice.full_name} changed from {old_label} to "
            f"{overall.label} ({cause})"
        ),
        changes={
            "grade": (old_grade, overall.grade),
            **{
                f"{m['id']} grade": (_grades(change.old_methods).get(m["id"]), m["grade"])
                for m in new_methods
                if _grades(change.old_methods).get(m["id"]) != m["grade"]
            },
        },
        reason=reason,
    )
    return change


def _follow_grade_change(result: Result, old_grade: str, user: User, reason: str) -> None:
    """Bring the registration in line with a changed grade, and tell the apps above.

    A fail overturned to a pass completes the registration and takes the day of the change as
    the achievement date. :class:`ResultRegraded` then lets certificate claims draft the
    claim, or write the new grade into a claim not yet sent.
    """
    registration = result.registration
    was_achieved = old_grade in ("pass", "distinction")
    if result.achieved and not was_achieved:
        if registration.status == Registration.Status.GATEWAY_ACCEPTED:
            registration.status = Registration.Status.COMPLETED
            registration.revision += 1
            registration.save(update_fields=["status", "revision"])
        if result.achievement_date is None:
            result.achievement_date = clock.today()
            result.save(update_fields=["achievement_date"])
    events.publish(ResultRegraded(result, old_grade, user, reason))


def result_history(result: Result) -> list[ResultChange]:
    """Every change to a released result, oldest first, with who made it and why."""
    return list(result.changes.select_related("changed_by").order_by("changed_at", "id"))
