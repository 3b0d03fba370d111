"""Each live registration's deadlines, computed in batches from what a batch has loaded.

The sweep goes through the live registrations in batches of :data:`BATCH_SIZE`, ordered by
primary key, with a fixed number of queries a batch (:func:`load_batch` and
:func:`collect_deadlines` read what a batch needs at once). Each registration's deadlines come
from the code that shows them on its pages:

* submissions due and the EPA window's end from the timeline
  (:func:`openepa.planning.timeline.plan_for`, with the dates the evidence gives,
  :func:`openepa.planning.evidence.evidence_dates`, and the booking rules'
  :func:`openepa.rules.booking.deadlines.deadlines`), while the gateway is accepted and no
  result has been released;
* the resit or retake deadline after a released fail (the specification's time limit, as
  :func:`openepa.results.reassessment.reassessment_state` computes it);
* the results deadline of a current sitting not released yet
  (:func:`openepa.results.release.deadline`).

Each is a :class:`openepa.rules.reminders.DeadlineItem`; which are due today is for
:mod:`openepa.sweep.reminders` to send. Only registrations whose gateway is accepted have
deadlines here: one on hold for a break in learning has none (its clocks stop until it
resumes, :mod:`openepa.registration.lifecycle`), nor has one withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from openepa.assessment.grading import last_assessment_on
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.kernel import specs
from openepa.planning import evidence, timeline
from openepa.planning.models import Booking
from openepa.registration.models import Registration
from openepa.results import release
from openepa.results.models import Result
from openepa.results.reassessment import attempt_cycle, released_on
from openepa.rules import reassessment as reassessment_rules
from openepa.rules.booking.deadlines import deadlines
from openepa.rules.model import Source, Specification
from openepa.rules.reminders import DeadlineItem, Kind

BATCH_SIZE = 500

# The timeline's deadlines that are something to hand in (the rules' event names).
SUBMISSION_EVENTS = frozenset(
    {
        "gateway_form",
        "gateway_evidence",
        "portfolio_submission",
        "report_submission",
        "project_completion",
        "proposal_resubmission",
    }
)
# The event of the EPA window's rule: every method assessed by its last day.
WINDOW_EVENT = "last_assessment"


# --- reading a batch -----------------------------------------------------------------------


def live_registrations() -> QuerySet[Registration]:
    """The registrations the sweep looks at: registered, at gateway, accepted or on hold."""
    return Registration.objects.filter(status__in=Registration.LIVE).order_by("pk")


def _prefetches() -> list[str | Prefetch[Any]]:
    records = AssessmentRecord.objects.only(
        "pk", "sitting_id", "registration_id", "status", "assessed_on", "occasions"
    ).order_by("pk")
    return [
        "plan",
        Prefetch(
            "bookings",
            queryset=Booking.objects.filter(status=Booking.Status.BOOKED)
            .select_related("assessor")
            .order_by("on", "pk"),
            to_attr="sweep_bookings",
        ),
        Prefetch(
            "sittings",
            queryset=Sitting.objects.order_by("number").prefetch_related(
                Prefetch("records", queryset=records)
            ),
            to_attr="sweep_sittings",
        ),
        Prefetch(
            "results",
            queryset=Result.objects.only(
                "pk", "registration_id", "sitting_id", "grade", "released_at"
            ),
            to_attr="sweep_results",
        ),
    ]


def load_batch(after_pk: int, size: int = BATCH_SIZE) -> list[Registration]:
    """The next ``size`` live registrations after ``after_pk``, with what the sweep reads."""
    batch = list(
        live_registrations()
        .filter(pk__gt=after_pk)
        .select_related(
            "apprentice",
            "apprentice__user",
            "specification",
            "assessor",
            "provider",
            "employer",
            "epao",
        )[:size]
    )
    prefetch_related_objects(batch, *_prefetches())
    return batch


def batches(size: int = BATCH_SIZE) -> Iterator[list[Registration]]:
    """Every live registration, ``size`` at a time, by primary key (a query set a batch)."""
    last = 0
    while True:
        batch = load_batch(last, size)
        if not batch:
            return
        yield batch
        last = batch[-1].pk


# --- each registration's deadlines ------------------------------------------------------


def _source_words(spec: Specification, source: Source | None) -> str:
    if source is None:
        return ""
    words = source.place
    if source.quote:
        words += f": “{source.quote}”"
    return f" ({spec.epao.name}, {words})"


def _timeline_deadlines(
    registration: Registration,
    spec: Specification,
    bookings: list[Booking],
    evidenced: Mapping[str, evidence.Evidenced],
) -> list[DeadlineItem]:
    """Submissions due and the window's end, from the timeline's plan and the booking rules.

    Only dates to meet by ("by", not "from"), and only those not met yet: a submission
    recorded, or every method booked within the window, needs no reminder.
    """
    plan_record = getattr(registration, "plan", None)
    plan = timeline.plan_for(registration, plan_record, bookings, evidenced=evidenced)
    if plan is None:
        return []
    booked = {b.method_id for b in bookings}
    unbooked = [m.name for m in spec.methods if m.id not in booked]
    found = []
    for deadline in deadlines(spec, plan):
        if deadline.limit != "by":
            continue
        kind: Kind
        what = deadline.name
        if deadline.event == WINDOW_EVENT:
            kind = "window_ending"
            if deadline.done_on is not None and deadline.done_on <= deadline.date:
                continue
            if unbooked:
                what += f" (not booked yet: {', '.join(unbooked)})"
        elif deadline.event in SUBMISSION_EVENTS:
            kind = "submission_due"
            if deadline.done_on is not None:
                continue
        else:
            continue
        found.append(
            DeadlineItem(
                registration_id=registration.pk,
                kind=kind,
                due=deadline.date,
                what=what,
                rule=deadline.produced_by + _source_words(spec, deadline.source),
            )
        )
    return found


def _first_assessed_on(sittings: Sequence[Sitting]) -> date | None:
    """The first day any method of these sittings was assessed (from prefetched records)."""
    days: list[date] = []
    for sitting in sittings:
        for record in sitting.records.all():
            if record.assessed_on:
                days.append(record.assessed_on)
            for occasion in record.occasions or []:
                if occasion.get("on"):
                    days.append(date.fromisoformat(occasion["on"]))
    return min(days) if days else None


def resit_deadline(
    spec: Specification, sittings: list[Sitting], results: dict[int, Result]
) -> reassessment_rules.Deadline | None:
    """The resit or retake deadline after a fail, as :func:`reassessment_state` computes it.

    From already-read sittings (with their records) and results, so a batch needs no
    query a registration.
    """
    cycle = attempt_cycle(sittings)
    fails = [results[s.pk] for s in cycle if s.pk in results and results[s.pk].grade == "fail"]
    if not fails:
        return None
    return reassessment_rules.reassessment_deadline(
        spec,
        first_fail_released_on=released_on(fails[0]),
        first_assessed_on=_first_assessed_on(cycle),
    )


def _resit_deadlines(
    registration: Registration,
    spec: Specification,
    sittings: list[Sitting],
    results: dict[int, Result],
) -> list[DeadlineItem]:
    """The resit or retake deadline while the latest released result is a fail."""
    latest = max(
        (results[s.pk] for s in sittings if s.pk in results),
        key=lambda r: (r.released_at, r.pk),
        default=None,
    )
    if latest is None or latest.grade != "fail":
        return []
    deadline = resit_deadline(spec, sittings, results)
    if deadline is None or deadline.ends_on is None:
        return []
    return [
        DeadlineItem(
            registration_id=registration.pk,
            kind="resit_deadline",
            due=deadline.ends_on,
            what="Resit or retake of the failed assessment methods completed",
            rule=(
                f"Resit and retake time limit: within {deadline.length} of "
                f"{reassessment_rules.ANCHORS.get(deadline.after, deadline.after)}"
                + _source_words(spec, deadline.source)
            ),
        )
    ]


def _results_deadlines(
    registration: Registration,
    spec: Specification,
    sittings: list[Sitting],
    results: dict[int, Result],
) -> list[DeadlineItem]:
    """The results deadline of the current sitting, while its result is not released."""
    if not sittings:
        return []
    sitting = sittings[-1]
    if sitting.pk in results:
        return []
    if not any(r.status == AssessmentRecord.Status.SUBMITTED for r in sitting.records.all()):
        return []
    deadline = release.deadline(spec, last_assessment_on(sitting))
    if deadline.due_on is None:
        return []
    return [
        DeadlineItem(
            registration_id=registration.pk,
            kind="results_due",
            due=deadline.due_on,
            what=f"Result of {sitting.get_kind_display().lower()} (sitting {sitting.number}) "
            "released",
            rule=deadline.rule,
        )
    ]


def collect_deadlines(registrations: Sequence[Registration]) -> list[DeadlineItem]:
    """Every deadline of these registrations the sweep reminds people of.

    Reads what it needs for the whole batch at once (with a batch from :func:`load_batch`,
    only the evidence's dates: two queries), so the number of queries does not grow with the
    batch.
    """
    registrations = list(registrations)
    prefetch_related_objects(
        registrations, "apprentice", "specification", "assessor", *_prefetches()
    )
    evidenced = evidence.evidence_dates(
        r.pk for r in registrations if r.status == Registration.Status.GATEWAY_ACCEPTED
    )
    found: list[DeadlineItem] = []
    for registration in registrations:
        if registration.status != Registration.Status.GATEWAY_ACCEPTED:
            continue
        spec, _ = specs.rules_of(registration)
        sittings: list[Sitting] = registration.sweep_sittings  # type: ignore[attr-defined]
        result_rows: list[Result] = registration.sweep_results  # type: ignore[attr-defined]
        results = {r.sitting_id: r for r in result_rows}
        if not result_rows:
            bookings: list[Booking] = registration.sweep_bookings  # type: ignore[attr-defined]
            found.extend(
                _timeline_deadlines(registration, spec, bookings, evidenced[registration.pk])
            )
        found.extend(_resit_deadlines(registration, spec, sittings, results))
        found.extend(_results_deadlines(registration, spec, sittings, results))
    return found
