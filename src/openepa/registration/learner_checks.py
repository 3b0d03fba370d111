"""Looking the apprentice up at the government's apprenticeship assessment service.

A :class:`~openepa.registration.models.LearnerCheck` asks the service's Get Learner
(``GET api/v1/learner/{uln}/{familyName}/{standard}``) what it holds of the apprentice: their
given names, the standard's version and course option, the completion status of the training
provider's ILR record, the EPA record and certificate. It is asked at registration (every new
registration, the CSV upload's in bulk), once the gateway is with the EPAO for its decision,
after the ULN or family name is corrected, and when an EPAO admin chooses "Check again".

- :func:`request_check` / :func:`request_checks` add a waiting check (the previous one is kept,
  no longer current) in the caller's transaction and enqueue the look-up once it commits;
- :func:`run_check` asks the service with no transaction open: it claims the check in one
  short transaction (so two workers never ask at once), asks, and records the answer in
  another. A check already answered is left alone, so it is safe to run twice;
- :func:`run_due_checks` runs every check waiting, and every one the service could not answer
  whose next try has come (the sending command and the daily sweep call it).

The answers (das-assessor-service ``Controllers/LearnerController.cs``): 200 with the learner
(matched; withdrawn when the ILR's completion status is 3 or 6), 403 with the service's
message, or 404 (not found); a timeout, 5xx or 429 (unavailable: asked again later, 5, 10,
20... minutes on, up to a day apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from openepa.accounts.models import StandardAtService, User
from openepa.audit.services import record_event
from openepa.kernel import clock, service_client
from openepa.kernel.service_client import (
    AssessmentServiceClient,
    LearnerLookup,
    ServiceNotConfigured,
    ServiceRefused,
    ServiceUnavailable,
)
from openepa.registration.models import LearnerCheck, Registration
from openepa.rules.service import WITHDRAWN_COMPLETION, same_family_name

Outcome = LearnerCheck.Outcome
Reason = LearnerCheck.Reason
#: Why a look-up was asked, as the words read inside a sentence (EPAO and ULN kept upper case).
REASON_WORDS: dict[str, str] = {
    Reason.REGISTRATION: "asked at registration",
    Reason.GATEWAY: "asked before gateway",
    Reason.CLAIM: "asked before the certificate claim",
    Reason.REQUESTED: "asked for by an EPAO admin",
    Reason.CORRECTION: "asked after the ULN or family name was corrected",
}
#: A check the service may still be asked about.
OPEN = (Outcome.WAITING, Outcome.UNAVAILABLE)
BATCH_SIZE = 500
#: Checks looked up by one task when many are requested at once (a CSV upload).
LOOKUP_BATCH = 50


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` tries the service could not answer.

    5, 10, 20, 40 minutes... up to a day: a look-up changes nothing at the service, so it is
    tried again for as long as it takes.
    """
    return min(timedelta(minutes=5 * 2 ** max(attempts - 1, 0)), timedelta(days=1))


def lease() -> timedelta:
    """How long a worker holds a check it is asking about: two waits of the timeout, and a minute.

    Another worker leaves the check alone meanwhile; after it, a worker that stopped mid-way
    is taken to have stopped, and the check is asked about again.
    """
    return timedelta(seconds=2 * int(settings.ASSESSMENT_SERVICE_TIMEOUT) + 60)


# --- asking for a check ---------------------------------------------------------------------


def standards_asked(epao_id: int, references: Iterable[str]) -> dict[str, str]:
    """How each standard is asked for: its LARS code where the EPAO set one, else its reference.

    The service takes either (das-assessor-service ``Controllers/LearnerController.cs``:
    "Standard Code or Standard Reference Number").
    """
    wanted = set(references)
    codes = dict(
        StandardAtService.objects.filter(epao_id=epao_id, reference__in=wanted).values_list(
            "reference", "lars_code"
        )
    )
    return {reference: str(codes.get(reference) or reference) for reference in wanted}


def request_check(
    registration: Registration, reason: str, actor: User | None = None
) -> LearnerCheck | None:
    """Ask the service about the registration's apprentice, once this transaction commits.

    None when OpenEPA is not set to talk to the service (ASSESSMENT_SERVICE_URL).
    """
    checks = request_checks([registration], reason, actor)
    return checks[0] if checks else None


def request_checks(
    registrations: Sequence[Registration], reason: str, actor: User | None = None
) -> list[LearnerCheck]:
    """A waiting check of each registration, the previous ones kept but no longer current.

    In a constant number of queries per 500 registrations (a CSV upload's). Each
    registration's row is locked, so two requests at once leave one current check. The
    look-ups are enqueued when the transaction commits: one task per check, or one per
    :data:`LOOKUP_BATCH` checks for many.
    """
    if not service_client.configured() or not registrations:
        return []
    now = clock.now()
    with transaction.atomic():
        ids = [registration.pk for registration in registrations]
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            list(Registration.objects.select_for_update().filter(pk__in=batch).values("pk"))
            LearnerCheck.objects.filter(registration_id__in=batch, current=True).update(
                current=False
            )
        asked: dict[int, dict[str, str]] = {}
        for epao_id in {registration.epao_id for registration in registrations}:
            asked[epao_id] = standards_asked(
                epao_id, (r.standard for r in registrations if r.epao_id == epao_id)
            )
        checks = [
            LearnerCheck(
                epao_id=registration.epao_id,
                registration=registration,
                reason=reason,
                uln=registration.apprentice.uln,
                family_name=registration.apprentice.family_name.strip(),
                standard=asked[registration.epao_id][registration.standard],
                requested_by=actor,
                requested_at=now,
            )
            for registration in registrations
        ]
        LearnerCheck.objects.bulk_create(checks, batch_size=BATCH_SIZE)
        if any(check.pk is None for check in checks):
            saved = {
                check.registration_id: check
                for check in LearnerCheck.objects.filter(registration_id__in=ids, current=True)
            }
            checks = [saved[registration.pk] for registration in registrations]
        if reason != Reason.REGISTRATION:  # a registration's own event says it was registered
            for check in checks:
                record_event(
                    actor=actor,
                    epao=check.registration.epao,
                    action="learner_check.requested",
                    obj=check,
                    registration=check.registration,
                    summary=(f"Look-up at the assessment service {REASON_WORDS[check.reason]}"),
                    changes={"learner check": (None, "Waiting to be checked")},
                )
        check_ids = [check.pk for check in checks]
        transaction.on_commit(lambda: enqueue_lookups(check_ids))
    return checks


def enqueue_lookups(check_ids: Sequence[int]) -> None:
    """Enqueue the look-up of each check: one task each, or batches for many."""
    if len(check_ids) == 1:
        lookup_learner.enqueue(check_ids[0])
        return
    for start in range(0, len(check_ids), LOOKUP_BATCH):
        lookup_learners.enqueue(list(check_ids[start : start + LOOKUP_BATCH]))


# --- asking the service -----------------------------------------------------------------------


def is_due(check: LearnerCheck, now: datetime) -> bool:
    """Whether the service is to be asked about ``check`` now.

    It is the registration's current check, not answered yet, and no worker holds it and
    no later try was set.
    """
    return (
        check.current
        and check.outcome in OPEN
        and (check.next_attempt_at is None or check.next_attempt_at <= now)
    )


def _claim(check_id: int) -> tuple[LearnerCheck | None, LearnerCheck | None]:
    """(the check claimed for this worker, or None; the check as it stands, or None)."""
    with transaction.atomic():
        check = LearnerCheck.objects.select_for_update().filter(pk=check_id).first()
        if check is None:
            return None, None
        now = clock.now()
        if not is_due(check, now):
            return None, check
        check.attempts += 1
        check.next_attempt_at = now + lease()
        check.save(update_fields=["attempts", "next_attempt_at"])
        return check, check


@dataclass(frozen=True)
class Failure:
    """The service could not answer: why, and when it asked to be tried again (seconds)."""

    message: str
    retry_after: int | None = None


def _ask(service: AssessmentServiceClient, check: LearnerCheck) -> LearnerLookup | Failure:
    """The service's answer about the check's apprentice (no transaction may be open)."""
    try:
        return service.get_learner(check.uln, check.family_name, check.standard)
    except ServiceUnavailable as error:
        return Failure(error.message, error.retry_after)
    except ServiceRefused as error:
        return Failure(f"The service refused the look-up ({error.status}): {error.message}")


def _apply(check: LearnerCheck, answer: LearnerLookup | Failure, now: datetime) -> None:
    """Set the check's outcome and what the service holds from its answer."""
    held_fields = (
        "held_given_names",
        "held_family_name",
        "held_version",
        "held_course_option",
        "epa_reference",
        "certificate_reference",
        "certificate_status",
    )
    check.checked_at = now
    if isinstance(answer, Failure):
        check.outcome = Outcome.UNAVAILABLE
        check.message = answer.message[:2000]
        wait = max(backoff(check.attempts), timedelta(seconds=answer.retry_after or 0))
        check.next_attempt_at = now + wait
        return
    check.next_attempt_at = None
    for name in held_fields:
        setattr(check, name, "")
    check.completion_status = None
    learner = answer.learner
    if learner is None:
        check.outcome = Outcome.NOT_FOUND
        check.message = answer.message[:2000]
        return
    held = learner.held
    check.held_given_names = held.given_names[:200]
    check.held_family_name = held.family_name[:100]
    check.held_version = held.version[:10]
    check.held_course_option = held.course_option[:200]
    check.completion_status = held.completion_status
    check.epa_reference = learner.epa_reference[:20]
    if learner.certificate is not None:
        check.certificate_reference = learner.certificate.reference[:20]
        check.certificate_status = learner.certificate.status[:20]
    check.message = ""
    if held.completion_status in WITHDRAWN_COMPLETION:
        check.outcome = Outcome.WITHDRAWN
    elif held.family_name and not same_family_name(check.family_name, held.family_name):
        # The service compares the names itself and answers 403 when they differ; a learner
        # returned under another name is flagged rather than taken as a match.
        check.outcome = Outcome.NAME_DIFFERS
    else:
        check.outcome = Outcome.MATCHED


def _record(claimed: LearnerCheck, answer: LearnerLookup | Failure) -> LearnerCheck:
    """Record the answer, unless the check was settled meanwhile by another worker."""
    with transaction.atomic():
        check = (
            LearnerCheck.objects.select_for_update(of=("self",))
            .select_related("registration__epao", "registration__apprentice")
            .get(pk=claimed.pk)
        )
        if check.attempts != claimed.attempts or check.outcome not in OPEN:
            return check
        before = check.get_outcome_display()
        _apply(check, answer, clock.now())
        check.save()
        after = check.get_outcome_display()
        if before != after:
            record_event(
                actor=None,
                epao=check.registration.epao,
                action="learner_check.answered",
                obj=check,
                registration=check.registration,
                summary=f"Assessment service look-up of ULN {check.uln}: {after}",
                changes={"learner check": (before, after)},
                reason=check.message,
            )
        return check


def run_check(
    check_id: int, *, service: AssessmentServiceClient | None = None
) -> LearnerCheck | None:
    """Ask the service about one check, if it is due; the check as it then stands.

    A check answered, superseded by a later one, held by another worker or not due yet is
    returned unchanged; without the service's settings, it stays waiting. The service is
    asked with no transaction open.
    """
    if service is None and not service_client.configured():
        return LearnerCheck.objects.filter(pk=check_id).first()
    claimed, current = _claim(check_id)
    if claimed is None:
        return current
    own = service is None
    try:
        service = service or service_client.client()
    except ServiceNotConfigured as error:  # the settings changed meanwhile
        return _record(claimed, Failure(str(error)))
    try:
        answer = _ask(service, claimed)
    finally:
        if own:
            service.close()
    return _record(claimed, answer)


def due_checks(now: datetime | None = None) -> QuerySet[LearnerCheck]:
    """The checks to ask about now, oldest first: waiting, or unavailable and due again."""
    moment = now or clock.now()
    return (
        LearnerCheck.objects.filter(current=True, outcome__in=OPEN)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment))
        .order_by("requested_at", "pk")
    )


@dataclass
class CheckSummary:
    """What a run of the due checks did: how many were asked and what each answer was."""

    not_configured: bool = False
    asked: int = 0
    skipped: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    flagged: list[LearnerCheck] = field(default_factory=list)
    unavailable: list[LearnerCheck] = field(default_factory=list)

    @property
    def matched(self) -> int:
        """How many apprentices the service holds with matching details."""
        return self.outcomes[Outcome.MATCHED]

    def add(self, check: LearnerCheck | None, attempts_before: int) -> None:
        """Count one check after its run (skipped when this run did not ask about it)."""
        if check is None or check.attempts == attempts_before or check.outcome == Outcome.WAITING:
            self.skipped += 1
            return
        self.asked += 1
        self.outcomes[check.outcome] += 1
        if check.outcome in LearnerCheck.FLAGGED:
            self.flagged.append(check)
        elif check.outcome == Outcome.UNAVAILABLE:
            self.unavailable.append(check)

    def lines(self) -> list[str]:
        """The summary as lines for an operator: the counts, then each check to act on."""
        if self.not_configured:
            return [
                "Learner checks: not configured (set ASSESSMENT_SERVICE_URL): nothing was asked"
            ]
        words = dict(Outcome.choices)
        counts = "; ".join(
            f"{count} {words[outcome].lower()}" for outcome, count in sorted(self.outcomes.items())
        )
        lines = [f"Learner checks: {self.asked} asked" + (f" ({counts})" if counts else "")]
        if self.skipped:
            lines.append(f"  {self.skipped} left alone: answered or being asked by another worker")
        for check in self.flagged:
            lines.append(f"  Flagged: {describe(check)}")
        for check in self.unavailable:
            retry = check.next_attempt_at
            when = f"; asked again after {clock_text(retry)}" if retry else ""
            lines.append(f"  Could not be checked: {describe(check)}{when}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


def describe(check: LearnerCheck) -> str:
    """One check in a line: the apprentice, the ULN and standard asked, the outcome, the words."""
    apprentice = check.registration.apprentice
    text = (
        f"{apprentice.full_name} (ULN {check.uln}, family name asked {check.family_name!r}, "
        f"standard {check.standard}): {check.get_outcome_display()}"
    )
    return f"{text}: {check.message}" if check.message else text


def clock_text(moment: datetime) -> str:
    """A moment in the EPAO's time zone, as an operator reads it."""
    return timezone.localtime(moment).strftime("%d %B %Y %H:%M")


def run_due_checks(
    limit: int | None = None, *, service: AssessmentServiceClient | None = None
) -> CheckSummary:
    """Ask the service about every check due (at most ``limit``), one client for all of them."""
    summary = CheckSummary()
    if service is None and not service_client.configured():
        summary.not_configured = True
        return summary
    due = due_checks().values_list("pk", "attempts")
    chosen = list(due[:limit] if limit is not None else due)
    own = service is None
    service = service or service_client.client()
    try:
        for pk, attempts in chosen:
            summary.add(run_check(pk, service=service), attempts)
    finally:
        if own:
            service.close()
    return summary


# --- background work --------------------------------------------------------------------------


def _retry_later(check: LearnerCheck | None) -> None:
    """Enqueue the next try of a check the service could not answer, where the queue can wait.

    Otherwise (the backend tests use) the next :func:`run_due_checks` asks again.
    """
    if check is None or check.outcome != Outcome.UNAVAILABLE or check.next_attempt_at is None:
        return
    if lookup_learner.get_backend().supports_defer:
        lookup_learner.using(run_after=check.next_attempt_at).enqueue(check.pk)


@task()
def lookup_learner(check_id: int) -> str:
    """Look one apprentice up at the service; safe to run twice."""
    check = run_check(check_id)
    _retry_later(check)
    return check.outcome if check is not None else "missing"


@task()
def lookup_learners(check_ids: list[int]) -> dict[str, int]:
    """Look many apprentices up at the service with one client; safe to run twice."""
    if not service_client.configured():
        return {"waiting": len(check_ids)}
    outcomes: Counter[str] = Counter()
    with service_client.client() as service:
        for check_id in check_ids:
            check = run_check(check_id, service=service)
            _retry_later(check)
            outcomes[check.outcome if check is not None else "missing"] += 1
    return dict(outcomes)
