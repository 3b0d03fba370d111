"""The daily sweep: recompute every live registration's deadlines and send the reminders due.

Once a day (:func:`run_sweep`, run by the task :func:`openepa.sweep.tasks.daily_sweep`) the
sweep goes through the live registrations in batches of :data:`BATCH_SIZE`, ordered by
primary key, with a fixed number of queries a batch (:func:`load_batch` and
:func:`collect_deadlines` read what a batch needs at once). Each registration's deadlines come
from the code that shows them on its pages:

* submissions due and the EPA window's end from the timeline
  (:func:`openepa.planning.timeline.plan_for` and the booking rules'
  :func:`openepa.rules.booking.deadlines.deadlines`), while the gateway is accepted and no
  result has been released;
* the resit or retake deadline after a released fail (the specification's time limit, as
  :func:`openepa.results.reassessment.reassessment_state` computes it);
* the results deadline of a current sitting not released yet
  (:func:`openepa.results.release.deadline`).

:func:`openepa.rules.reminders.reminders_due` decides which are due today (within
``settings.REMINDER_LEAD_DAYS`` before the deadline) and each goes to the people concerned
through :func:`openepa.notifications.services.notify`, whose key sends each reminder to each
person once however many times the sweep runs. A :class:`SweepRun` records each day's sweep:
one that finished is not repeated unless forced; one that crashed is run again.

The sweep also deletes orphaned uploads (:func:`clean_orphaned_uploads`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from openepa.accounts.models import User
from openepa.assessment.grading import last_assessment_on
from openepa.assessment.models import AssessmentRecord, Sitting
from openepa.files.models import StoredFile
from openepa.kernel import clock
from openepa.notifications.services import link, notify
from openepa.planning import timeline
from openepa.planning.models import Booking
from openepa.registration.models import Registration
from openepa.results import release
from openepa.results.models import Result
from openepa.results.reassessment import attempt_cycle, released_on
from openepa.rules import reassessment as reassessment_rules
from openepa.rules.booking.deadlines import deadlines
from openepa.rules.model import Source, Specification
from openepa.rules.reminders import DeadlineItem, Kind, Reminder, reminders_due
from openepa.specifications.services import rules_for
from openepa.sweep.models import SweepRun

logger = logging.getLogger(__name__)

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

# A sweep still "running" after this long is taken to have crashed and is run again.
STALE_AFTER = timedelta(hours=1)
# Uploaded bytes with no StoredFile row are deleted once they are older than this.
ORPHAN_AGE = timedelta(days=1)
# How StoredFile lays out its bytes below UPLOAD_DIR: "ab/ab12…" (the uuid's hex).
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")

# Who is reminded of each kind of deadline.
PEOPLE: dict[Kind, tuple[str, ...]] = {
    "submission_due": ("apprentice", "provider", "employer", "assessor"),
    "window_ending": ("apprentice", "provider", "employer", "assessor"),
    "resit_deadline": ("apprentice", "employer", "provider"),
    "results_due": ("epao_admins",),
}


@dataclass(frozen=True)
class SweepSummary:
    """What one sweep did (or, when ``skipped``, what the day's finished sweep had done)."""

    day: date
    registrations: int
    reminders: int
    notifications: int
    orphans_deleted: int
    skipped: bool = False

    @property
    def words(self) -> str:
        """The summary in one sentence."""
        if self.skipped:
            return (
                f"The sweep of {self.day.isoformat()} had already finished: "
                f"{self.registrations} registrations, {self.reminders} reminders due, "
                f"{self.notifications} emails queued, {self.orphans_deleted} orphaned "
                "uploads deleted. Use --force to run it again."
            )
        return (
            f"Swept {self.registrations} registrations for {self.day.isoformat()}: "
            f"{self.reminders} reminders due, {self.notifications} emails queued, "
            f"{self.orphans_deleted} orphaned uploads deleted."
        )


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
    registration: Registration, spec: Specification, bookings: list[Booking]
) -> list[DeadlineItem]:
    """Submissions due and the window's end, from the timeline's plan and the booking rules.

    Only dates to meet by ("by", not "from"), and only those not met yet: a submission
    recorded, or every method booked within the window, needs no reminder.
    """
    plan_record = getattr(registration, "plan", None)
    plan = timeline.plan_for(registration, plan_record, bookings)
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

    Reads what it needs for the whole batch at once (nothing more when the batch came from
    :func:`load_batch`), so the number of queries does not grow with the batch.
    """
    registrations = list(registrations)
    prefetch_related_objects(
        registrations, "apprentice", "specification", "assessor", *_prefetches()
    )
    found: list[DeadlineItem] = []
    for registration in registrations:
        if registration.status != Registration.Status.GATEWAY_ACCEPTED:
            continue
        spec, _ = rules_for(registration.specification)
        sittings: list[Sitting] = registration.sweep_sittings  # type: ignore[attr-defined]
        result_rows: list[Result] = registration.sweep_results  # type: ignore[attr-defined]
        results = {r.sitting_id: r for r in result_rows}
        if not result_rows:
            bookings: list[Booking] = registration.sweep_bookings  # type: ignore[attr-defined]
            found.extend(_timeline_deadlines(registration, spec, bookings))
        found.extend(_resit_deadlines(registration, spec, sittings, results))
        found.extend(_results_deadlines(registration, spec, sittings, results))
    return found


# --- who is reminded ----------------------------------------------------------------------


@dataclass
class People:
    """The users of a batch's organisations and EPAOs, read at once."""

    by_organisation: dict[int, list[User]]
    admins_by_epao: dict[int, list[User]]

    @classmethod
    def of(cls, registrations: Sequence[Registration]) -> People:
        organisations = {r.provider_id for r in registrations} | {
            r.employer_id for r in registrations
        }
        epaos = {r.epao_id for r in registrations}
        by_organisation: dict[int, list[User]] = {}
        admins: dict[int, list[User]] = {}
        for user in (
            User.objects.filter(is_active=True)
            .filter(
                Q(
                    organisation_id__in=organisations,
                    role__in=[User.Role.PROVIDER, User.Role.EMPLOYER],
                )
                | Q(epao_id__in=epaos, role=User.Role.EPAO_ADMIN)
            )
            .order_by("pk")
        ):
            if user.role == User.Role.EPAO_ADMIN:
                admins.setdefault(user.epao_id, []).append(user)
            else:
                by_organisation.setdefault(user.organisation_id or 0, []).append(user)
        return cls(by_organisation, admins)

    def for_reminder(self, registration: Registration, kind: Kind) -> list[User]:
        """The people to remind of a deadline of this kind, each once."""
        people: list[User] = []
        for who in PEOPLE[kind]:
            if who == "apprentice":
                user = registration.apprentice.user
                if user is not None and user.is_active:
                    people.append(user)
            elif who == "provider":
                people.extend(
                    u
                    for u in self.by_organisation.get(registration.provider_id, [])
                    if u.role == User.Role.PROVIDER
                )
            elif who == "employer":
                people.extend(
                    u
                    for u in self.by_organisation.get(registration.employer_id, [])
                    if u.role == User.Role.EMPLOYER
                )
            elif who == "assessor":
                if registration.assessor is not None and registration.assessor.is_active:
                    people.append(registration.assessor)
            elif who == "epao_admins":
                people.extend(self.admins_by_epao.get(registration.epao_id, []))
        return list({u.pk: u for u in people}.values())


def reminder_context(registration: Registration, reminder: Reminder) -> dict[str, Any]:
    """What a reminder's email templates are given (``notify`` adds the registration)."""
    return {
        "what": reminder.what,
        "rule": reminder.rule,
        "deadline": reminder.due,
        "days_left": reminder.days_left,
        "link": link("planning:timeline", registration.pk),
    }


def send_reminders(registrations: Sequence[Registration], reminders: Sequence[Reminder]) -> int:
    """Send each reminder to its people; the number of notifications notify returned."""
    if not reminders:
        return 0
    by_pk = {r.pk: r for r in registrations}
    people = People.of(registrations)
    sent = 0
    for reminder in reminders:
        registration = by_pk[reminder.registration_id]
        users = people.for_reminder(registration, reminder.kind)
        if not users:
            continue
        sent += len(
            notify(
                users=users,
                kind=f"reminder_{reminder.kind}",
                key=reminder.key,
                context=reminder_context(registration, reminder),
                registration=registration,
            )
        )
    return sent


# --- orphaned uploads ----------------------------------------------------------------------


def clean_orphaned_uploads(now: Any = None, chunk: int = 500) -> int:
    """Delete uploaded bytes that no StoredFile refers to, once older than a day.

    A transaction rolled back after the upload was written (a refused form, a crash) leaves
    the bytes without their row. Only files laid out as StoredFile lays them out
    (``ab/ab12…``, the uuid's hex) are considered; anything else under the folder is left.
    Returns how many files were deleted.
    """
    root = Path(settings.UPLOAD_DIR)
    if not root.is_dir():
        return 0
    cutoff = (now or clock.now()).timestamp() - ORPHAN_AGE.total_seconds()
    candidates: dict[str, Path] = {}
    for path in root.glob("*/*"):
        name = path.name
        if not (UPLOAD_NAME.match(name) and path.parent.name == name[:2] and path.is_file()):
            continue
        if path.stat().st_mtime < cutoff:
            candidates[name] = path
    names = sorted(candidates)
    deleted = 0
    for start in range(0, len(names), chunk):
        part = names[start : start + chunk]
        known = {
            u.hex for u in StoredFile.objects.filter(uuid__in=part).values_list("uuid", flat=True)
        }
        for name in part:
            if name in known:
                continue
            try:
                candidates[name].unlink()
            except FileNotFoundError:
                continue
            deleted += 1
            logger.info("Deleted the orphaned upload %s", candidates[name])
    return deleted


# --- the sweep -------------------------------------------------------------------------------


def _start(day: date, force: bool) -> SweepRun | None:
    """The day's run, marked running; None when it finished (or another is running now)."""
    with transaction.atomic():
        run, created = SweepRun.objects.select_for_update().get_or_create(day=day)
        if not created:
            if run.status == SweepRun.Status.FINISHED and not force:
                return None
            running_elsewhere = (
                run.status == SweepRun.Status.RUNNING and run.started_at > clock.now() - STALE_AFTER
            )
            if running_elsewhere and not force:
                return None
            run.started_at = clock.now()
            run.finished_at = None
            run.status = SweepRun.Status.RUNNING
            run.error = ""
            run.save()
        return run


def _summary(run: SweepRun, *, skipped: bool) -> SweepSummary:
    return SweepSummary(
        day=run.day,
        registrations=run.registrations,
        reminders=run.reminders,
        notifications=run.notifications,
        orphans_deleted=run.orphans_deleted,
        skipped=skipped,
    )


def run_sweep(day: date, *, force: bool = False, batch_size: int = BATCH_SIZE) -> SweepSummary:
    """Sweep every live registration for ``day``: send the reminders due, clean orphans.

    Recorded in the day's :class:`SweepRun`. A finished day is not swept again unless
    ``force``; a crashed one (failed, or running for longer than :data:`STALE_AFTER`) is.
    Either way no reminder reaches anyone twice.
    """
    run = _start(day, force)
    if run is None:
        return _summary(SweepRun.objects.get(day=day), skipped=True)
    registrations = reminders = notifications = 0
    try:
        for batch in batches(batch_size):
            due = reminders_due(collect_deadlines(batch), day, settings.REMINDER_LEAD_DAYS)
            with transaction.atomic():
                notifications += send_reminders(batch, due)
            registrations += len(batch)
            reminders += len(due)
        orphans = clean_orphaned_uploads()
    except Exception as error:
        SweepRun.objects.filter(pk=run.pk).update(
            status=SweepRun.Status.FAILED,
            finished_at=clock.now(),
            registrations=registrations,
            reminders=reminders,
            notifications=notifications,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    run.registrations = registrations
    run.reminders = reminders
    run.notifications = notifications
    run.orphans_deleted = orphans
    run.status = SweepRun.Status.FINISHED
    run.finished_at = clock.now()
    run.save()
    return _summary(run, skipped=False)
