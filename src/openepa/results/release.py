"""Releasing results: the EPA grade the engine gives for a sitting, released once by the EPAO.

A sitting's result can be released when every method is submitted and cleared by IQA
(:func:`openepa.assessment.grading.sitting_ready_for_release`). The grade is never chosen
here: it is the engine's (:func:`openepa.assessment.grading.grade_sitting`). Releasing
keeps a :class:`Result` with each method's grade, the date of the last assessment, when the
specification says results are due, who released it and when. A sitting's result is
released only once.

The achievement date is the date the result is released: the day the EPAO confirms the
grade, after IQA, is the day the apprentice is told they achieved the standard (the last
assessment date is kept separately on the result).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.grading import (
    grade_request,
    last_assessment_on,
    latest_assessment_day,
    method_problems,
    release_check,
)
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.assessment.refusals import RecordRefused
from openepa.assessment.sittings import current_sitting
from openepa.audit.services import record_event
from openepa.kernel import clock, events, specs
from openepa.registration.access import registrations_for
from openepa.registration.models import Registration
from openepa.results.events import ResultReleased
from openepa.results.models import Result
from openepa.rules.grading import GradeResult, grade
from openepa.rules.model import Specification
from openepa.rules.results import (
    NO_DEADLINE,
    deadline_breached,
    deadline_words,
    results_due,
    results_rule,
)


class ReleaseRefused(RecordRefused):
    """The result cannot be released now; ``problems`` says why."""


# --- the results deadline --------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """When a sitting's results are due, and how that stands today."""

    due_on: date | None
    rule: str
    words: str
    breached: bool


def deadline(
    spec: Specification, last_on: date | None, released_on: date | None = None
) -> Deadline:
    """The results deadline for a last assessment on ``last_on``, compared with today."""
    if results_rule(spec) is None:
        return Deadline(None, NO_DEADLINE, NO_DEADLINE, False)
    due = results_due(spec, last_on) if last_on else None
    if due is None:
        return Deadline(None, "", "no date of assessment recorded yet", False)
    due_on, rule = due
    today = clock.today()
    return Deadline(
        due_on,
        rule,
        deadline_words(due_on, today, released_on),
        deadline_breached(due_on, today, released_on),
    )


# --- releasing ------------------------------------------------------------------------------


def methods_snapshot(
    registration: Registration, sitting: Sitting, graded: GradeResult
) -> list[dict[str, Any]]:
    """Each method's grade as released: id, name, grade, label, attempt, sitting, capped, reason.

    ``sitting`` is the number of the sitting whose record gave the grade (a method passed
    earlier carries its grade forward from that sitting).
    """
    from_sitting = dict(
        AssessmentRecord.objects.filter(
            registration=registration,
            status=AssessmentRecord.Status.SUBMITTED,
            sitting__number__lte=sitting.number,
        )
        .order_by("sitting__number")
        .values_list("method_id", "sitting__number")
    )
    return [
        {
            "id": method.id,
            "name": method.name,
            "grade": method.grade,
            "label": method.label,
            "attempt": method.attempt,
            "sitting": (
                sitting.number if method.id in sitting.methods else from_sitting.get(method.id)
            ),
            "capped": method.capped,
            "reason": method.reason,
        }
        for method in graded.methods
    ]


@transaction.atomic
def release_result(
    registration_pk: int, user: User, *, sitting_pk: int, expected_grade: str
) -> Result:
    """Release the engine's grade for the registration's current sitting, once.

    ``sitting_pk`` and ``expected_grade`` are what the admin's page showed: if the current
    sitting or the engine's grade changed since (an IQA amended a decision), nothing is
    released and the admin is told. Refused while a method is not submitted, is held for
    IQA, or the grade is incomplete, and if the result was already released. On a pass or
    distinction the registration is completed and its certificate claim drafted.
    """
    registration = (
        registrations_for(user)
        .select_for_update(of=("self",))
        .select_related("specification", "apprentice")
        .filter(pk=registration_pk)
        .first()
    )
    if registration is None:
        raise ReleaseRefused("No such apprentice.")
    sitting = current_sitting(registration)
    if sitting is None:
        raise ReleaseRefused(
            "No assessment has been recorded for this apprentice yet: there is no result to "
            "release."
        )
    existing = Result.objects.filter(sitting=sitting).select_related("released_by").first()
    if existing is not None:
        raise ReleaseRefused(_already_released(existing))
    if sitting.pk != sitting_pk:
        raise ReleaseRefused(
            f"A new sitting ({sitting.get_kind_display().lower()}, sitting {sitting.number}) "
            "was opened since you loaded the page: check it and release again."
        )
    problems, graded = release_check(registration, sitting)
    if problems or graded is None:
        raise ReleaseRefused("The result cannot be released yet.", problems)
    overall = graded.overall
    if overall.grade != expected_grade:
        raise ReleaseRefused(
            f"The grade changed since you loaded the page: the engine now gives "
            f"{overall.label} (your page showed {expected_grade}). Check it and release again."
        )
    spec, _ = specs.rules_of(registration)
    last_on = last_assessment_on(sitting)
    if last_on is None:
        raise ReleaseRefused(
            "No assessment date is recorded for this sitting: the assessor must record it."
        )
    due = results_due(spec, last_on)
    now = clock.now()
    released_on = timezone.localdate(now)
    try:
        with transaction.atomic():
            result = Result.objects.create(
                registration=registration,
                sitting=sitting,
                grade=overall.grade,
                label=overall.label,
                reason=overall.reason,
                capped=overall.capped,
                methods=methods_snapshot(registration, sitting, graded),
                last_assessment_on=last_on,
                due_on=due[0] if due else None,
                due_rule=(due[1] if due else NO_DEADLINE)[:300],
                released_by=user,
                released_at=now,
                achievement_date=released_on,
            )
    except IntegrityError:  # pragma: no cover (the registration row is locked)
        raise ReleaseRefused("The result of this sitting has already been released.") from None
    old_status = registration.status
    if result.achieved:
        registration.status = Registration.Status.COMPLETED
        registration.revision += 1
        registration.updated_at = now
        registration.save(update_fields=["status", "revision", "updated_at"])
    record_event(
        actor=user,
        epao=registration.epao,
        action="results.released",
        obj=result,
        summary=f"Released the result of sitting {sitting.number}: {result.label}",
        registration=registration,
        changes={
            "grade": ("", result.grade),
            "status": (old_status, registration.status),
        },
        reason=result.reason,
    )
    events.publish(ResultReleased(result, user))
    return result


def _already_released(result: Result) -> str:
    when = timezone.localtime(result.released_at)
    return (
        f"The result of this sitting was already released by {result.released_by.full_name} "
        f"on {when:%-d %B %Y at %H:%M} ({result.label}): it is released only once."
    )


# --- the release queue -----------------------------------------------------------------------

READY, HELD, WAITING = "ready", "held", "waiting"
STATES = {
    READY: "Ready to release",
    HELD: "Held for IQA",
    WAITING: "Waiting for methods",
}


class JsonArrayLength(models.Func):
    """The number of items of a JSON list (SQLite and PostgreSQL)."""

    output_field = models.IntegerField()
    function = "json_array_length"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def release_queue(user: User, state: str = "") -> QuerySet[Sitting]:
    """Current, unreleased sittings of the user's registrations with a submitted record.

    Annotated with ``methods_count``, ``submitted_count``, ``held_count`` and
    ``last_assessed`` (the latest date of assessment); ``state`` filters to ready, held for
    IQA or waiting for methods. Oldest last assessment first.
    """
    later = Sitting.objects.filter(
        registration_id=OuterRef("registration_id"), number__gt=OuterRef("number")
    )
    submitted = Q(records__status=AssessmentRecord.Status.SUBMITTED)
    sittings = (
        Sitting.objects.filter(registration__in=registrations_for(user), result__isnull=True)
        .exclude(Exists(later))
        .annotate(
            methods_count=JsonArrayLength("methods"),
            submitted_count=Count("records", filter=submitted),
            held_count=Count(
                "records", filter=submitted & Q(records__iqa_status=AssessmentRecord.Iqa.HELD)
            ),
            last_assessed=Max("records__assessed_on", filter=submitted),
        )
        .filter(submitted_count__gt=0)
    )
    if state == READY:
        sittings = sittings.filter(submitted_count__gte=models.F("methods_count"), held_count=0)
    elif state == HELD:
        sittings = sittings.filter(held_count__gt=0)
    elif state == WAITING:
        sittings = sittings.filter(submitted_count__lt=models.F("methods_count"), held_count=0)
    return sittings.select_related(
        "registration",
        "registration__apprentice",
        "registration__specification",
        "registration__assessor",
    ).order_by(Coalesce("last_assessed", models.Value(date(9999, 12, 31))), "pk")


@dataclass(frozen=True)
class QueueRow:
    """One row of the release queue."""

    sitting: Sitting
    registration: Registration
    state: str
    state_label: str
    grade_label: str
    deadline: Deadline
    problems: list[str]


def queue_rows(sittings: list[Sitting]) -> list[QueueRow]:
    """The page's rows with their state, the engine's grade and the results deadline.

    Every record of the page's registrations is read at once (three queries), so the engine
    runs only for these rows and the number of queries does not grow with them.
    """
    registration_ids = [s.registration_id for s in sittings]
    records = list(
        AssessmentRecord.objects.filter(registration_id__in=registration_ids)
        .select_related("sitting")
        .prefetch_related("judgements")
        .order_by("sitting__number", "method_id")
    )
    by_registration: dict[int, list[AssessmentRecord]] = {}
    for record in records:
        by_registration.setdefault(record.registration_id, []).append(record)
    rows = []
    for sitting in sittings:
        registration = sitting.registration
        spec, _ = specs.rules_of(registration)
        own = by_registration.get(registration.pk, [])
        mine = [r for r in own if r.sitting_id == sitting.pk]
        problems = method_problems(spec, sitting, mine)
        grade_label = ""
        if not problems:
            graded = grade(spec, grade_request(registration, sitting, records=own))
            grade_label = graded.overall.label
            if graded.overall.grade == "incomplete":
                problems = [f"The EPA grade is incomplete: {graded.overall.reason}."]
                grade_label = ""
        held = any(r.iqa_status == AssessmentRecord.Iqa.HELD and r.submitted for r in mine)
        state = READY if not problems else HELD if held else WAITING
        last_on = latest_assessment_day(mine)
        rows.append(
            QueueRow(
                sitting=sitting,
                registration=registration,
                state=state,
                state_label=STATES[state],
                grade_label=grade_label,
                deadline=deadline(spec, last_on),
                problems=problems,
            )
        )
    return rows


# --- what a registration's result page shows -----------------------------------------------


@dataclass
class ResultState:
    """A registration's latest result (if released) and its current sitting's state."""

    sitting: Sitting | None
    result: Result | None
    earlier: list[Result]
    problems: list[str]
    graded: GradeResult | None
    deadline: Deadline | None


def result_state(registration: Registration, *, with_engine: bool) -> ResultState:
    """The released result of the current sitting, earlier results, and what stops release.

    ``with_engine`` runs the engine on the current sitting (for EPAO staff only: the grade
    is not shown to the parties before release).
    """
    spec, _ = specs.rules_of(registration)
    sitting = current_sitting(registration)
    results = list(
        Result.objects.filter(registration=registration)
        .select_related("released_by", "sitting")
        .order_by("-sitting__number")
    )
    result = next((r for r in results if sitting and r.sitting_id == sitting.pk), None)
    earlier = [r for r in results if r is not result]
    problems: list[str] = []
    graded = None
    if sitting is None:
        problems = ["No assessment has been recorded yet."]
    elif result is None:
        problems, graded = release_check(registration, sitting)
        if not with_engine or problems:
            graded = None
    if result is not None:
        the_deadline = deadline(
            spec, result.last_assessment_on, timezone.localdate(result.released_at)
        )
    elif sitting is not None:
        the_deadline = deadline(spec, last_assessment_on(sitting))
    else:
        the_deadline = None
    return ResultState(sitting, result, earlier, problems, graded, the_deadline)
