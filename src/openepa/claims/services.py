"""Certificate claims: drafting, editing, marking ready, status moves and submission.

Every change is made here, inside a transaction, with the claim row locked; it is refused if
the claim changed since the person loaded it (``revision``), and it adds a
:class:`ClaimChange` per field and an audit event. The readiness rules are in
:mod:`openepa.rules.claims`, gathered for a claim by :mod:`openepa.claims.readiness`; the
exports are in :mod:`openepa.claims.exports`.

When the assessment service is configured (``ASSESSMENT_SERVICE_URL``), a change to a claim
known to it publishes :class:`ClaimChanged`, an EPAO admin's submission publishes
:class:`ClaimSubmitRequested`, and the statuses from Submitted on are the service's alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.claims import readiness
from openepa.claims.events import ClaimChanged, ClaimReady, ClaimSubmitRequested
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.claims.standards import FactsCache
from openepa.kernel import clock, events, service_client, specs
from openepa.registration.access import registrations_for
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result
from openepa.results.reassessment import released_on
from openepa.rules import service_api
from openepa.rules.claims import (
    AT_SERVICE,
    EDITABLE,
    GRADE_WORDS,
    STATUS_LABELS,
    Problem,
    claim_grades,
    move_problem,
)
from openepa.rules.service import CertificateFields, normalise_postcode

Status = CertificateClaim.Status

EDITABLE_FIELDS = (
    "uln",
    "family_name",
    "given_names",
    "option",
    "overall_grade",
    "achievement_date",
    "recipient",
    "contact_name",
    "department",
    "organisation",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "city",
    "postcode",
)

BATCH = 200
"""How many claims are drafted at once, and how many rows an export reads at a time."""

NOT_CONFIGURED = (
    "Sending to the apprenticeship assessment service is not configured "
    "(ASSESSMENT_SERVICE_URL is not set): download the ready claims and upload them at the "
    "service yourself, then record each claim's status here"
)


class ClaimRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action the rules do not allow, with messages saying why and what to do."""

    def __init__(self, message: str, *, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[str] = list(problems) if problems else [message]


class RecordChanged(ClaimRefused):
    """Someone else changed the claim while this person was working on it."""


def claims_for(user: User) -> QuerySet[CertificateClaim]:
    """The claims of the registrations ``user`` may see."""
    return CertificateClaim.objects.filter(
        epao_id=user.epao_id, registration__in=registrations_for(user)
    )


def ready_claims(user: User) -> QuerySet[CertificateClaim]:
    """The claims in the user's scope that are ready: the only ones a file or a submission holds.

    A draft has not passed its checks, and a claim already sent must not be sent twice.
    """
    return claims_for(user).filter(status=Status.READY)


def request_id(claim: CertificateClaim) -> str:
    """The ``requestId`` of the claim's certificate request (one per claim)."""
    return f"openepa-claim-{claim.pk}"


def certificate_fields(claim: CertificateClaim) -> CertificateFields:
    """The claim as the fields of the service's certificate request (its standard's LARS code)."""
    return readiness.fields_of(claim)


def certificate_request(claim: CertificateClaim, reference: str = "") -> dict[str, Any]:
    """The claim as one certificate request of the service's API (:mod:`rules.service_api`).

    Only fields the service reads: no given names and no fourth address line. With
    ``reference`` (the certificate's), the request updates the certificate.
    """
    return service_api.certificate_request(
        certificate_fields(claim), request_id(claim), reference or claim.certificate_reference
    )


# --- drafting ---------------------------------------------------------------------------


def _prefill(result: Result) -> dict[str, Any]:
    registration = result.registration
    apprentice = registration.apprentice
    info = FactsCache().info(registration.epao_id, registration.standard)
    return {
        "epao_id": registration.epao_id,
        "registration": registration,
        "result": result,
        "uln": apprentice.uln,
        "family_name": apprentice.family_name,
        "given_names": apprentice.given_names,
        "standard_reference": registration.standard,
        # The standard's LARS code: its file's ``lars_code`` or the one the EPAO set once.
        "standard_code": info.lars_code,
        "version": registration.version,
        "option": "",
        "overall_grade": GRADE_WORDS.get(result.grade, ""),
        "achievement_date": result.achievement_date or released_on(result),
        "recipient": CertificateClaim.Recipient.APPRENTICE,
        "contact_name": apprentice.full_name,
        # The service will not submit a certificate without an organisation, whoever it is
        # posted to: the employer's name.
        "organisation": registration.employer.name,
        "address_line_1": registration.address_line_1,
        "address_line_2": registration.address_line_2,
        "city": registration.town,
        "postcode": normalise_postcode(registration.postcode) or registration.postcode,
    }


@transaction.atomic
def draft_claim_for_result(result: Result, actor: User | None) -> CertificateClaim:
    """The claim for an achieved result, drafted from the apprentice's details if new.

    Idempotent: a result that already has a claim returns that claim unchanged.
    """
    existing = CertificateClaim.objects.filter(result_id=result.pk).first()
    if existing is not None:
        return existing
    if not result.achieved:
        raise ClaimRefused(
            "A certificate can be claimed only for a pass or a distinction; this result is "
            f"{result.label or result.grade}"
        )
    Result.objects.select_for_update().filter(pk=result.pk).first()
    existing = CertificateClaim.objects.filter(result_id=result.pk).first()
    if existing is not None:
        return existing
    now = clock.now()
    claim = CertificateClaim.objects.create(
        **_prefill(result), created_by=actor, updated_by=actor, created_at=now, updated_at=now
    )
    ClaimChange.objects.create(
        claim=claim,
        field="status",
        old="",
        new=Status.DRAFT,
        reason="Drafted from the released result",
        revision=claim.revision,
        changed_by=actor,
        changed_at=now,
    )
    record_event(
        actor=actor,
        epao=result.registration.epao,
        action="claims.drafted",
        obj=claim,
        registration=result.registration,
        summary=f"Certificate claim drafted for {claim.full_name} ({claim.overall_grade})",
    )
    return claim


def results_without_claim(user: User) -> QuerySet[Result]:
    """The achieved results in the user's scope that have no claim yet, oldest first."""
    return Result.objects.filter(
        registration__in=registrations_for(user),
        grade__in=list(GRADE_WORDS),
        certificate_claim__isnull=True,
    ).order_by("released_at", "pk")


def draft_missing_claims(user: User, limit: int = BATCH) -> tuple[int, int]:
    """Draft claims for up to ``limit`` achieved results without one.

    Returns how many were drafted and how many results are still without a claim.
    """
    results = list(
        results_without_claim(user).select_related(
            "registration",
            "registration__apprentice",
            "registration__epao",
            "registration__employer",
        )[:limit]
    )
    for result in results:
        draft_claim_for_result(result, user)
    return len(results), results_without_claim(user).count()


# --- readiness --------------------------------------------------------------------------


def problems_of(claim: CertificateClaim) -> list[Problem]:
    """Everything that stops the claim being marked ready today (see :mod:`readiness`)."""
    return readiness.problems_of(claim)


@dataclass(frozen=True)
class Grades:
    """The grades a claim may carry, and whose specification awards them (in words)."""

    words: tuple[str, ...]
    awarded_by: str


def grades_of(claim: CertificateClaim) -> Grades:
    """The grades the claim's specification can award, for the claim's grade list."""
    spec = specs.specification_of(claim.registration)
    return Grades(claim_grades(spec), f"{spec.epao.name}'s specification for {spec.standard}")


# --- changes ----------------------------------------------------------------------------


def _locked(claim: CertificateClaim, revision: int) -> CertificateClaim:
    """The claim locked for change, or a refusal if it changed since ``revision``."""
    fresh = (
        CertificateClaim.objects.select_for_update(of=("self",))
        .select_related(*readiness.RELATED, "updated_by")
        .get(pk=claim.pk)
    )
    if fresh.revision != revision:
        who = fresh.updated_by.full_name if fresh.updated_by else "someone else"
        when = timezone.localtime(fresh.updated_at)
        raise RecordChanged(
            f"{who} changed this claim at {when:%H:%M} on {when.day} {when:%B %Y} "
            "while you were working on it. Your changes have not been saved and are shown "
            "below; check the claim's current details and history, then save again"
        )
    return fresh


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _save(
    claim: CertificateClaim,
    user: User | None,
    changes: dict[str, tuple[Any, Any]],
    reason: str,
    action: str,
    summary: str,
) -> None:
    now = clock.now()
    claim.revision += 1
    claim.updated_by = user
    claim.updated_at = now
    claim.save()
    ClaimChange.objects.bulk_create(
        ClaimChange(
            claim=claim,
            field=field,
            old=_text(old),
            new=_text(new),
            reason=reason,
            revision=claim.revision,
            changed_by=user,
            changed_at=now,
        )
        for field, (old, new) in changes.items()
    )
    record_event(
        actor=user,
        epao=claim.registration.epao,
        action=action,
        obj=claim,
        registration=claim.registration,
        summary=summary,
        changes=changes,
        reason=reason,
    )


def course_options_of(claim: CertificateClaim) -> tuple[str, ...]:
    """The course options of the claim's standard at its version (none for most standards)."""
    return readiness.standard_of(claim).options.get(claim.version, ())


@transaction.atomic
def update_claim(
    claim: CertificateClaim,
    user: User | None,
    *,
    revision: int,
    values: dict[str, Any],
    reason: str,
) -> dict[str, tuple[Any, Any]]:
    """Change the claim's details; a ready claim goes back to draft to be checked again.

    The standard, its LARS code and version are the standard's, never changed here; a course
    option is kept only when the standard has options. Returns the (old, new) value of each
    field that changed; nothing is saved when none did. When the service is configured, a
    change to a claim it knows of (ready or later) publishes :class:`ClaimChanged`; a submit
    asked for and not yet made is then cancelled (kept in the claim's history).
    """
    fresh = _locked(claim, revision)
    if fresh.status not in EDITABLE:
        raise ClaimRefused(
            f"A {STATUS_LABELS[fresh.status].lower()} claim cannot be changed: it has been sent "
            "to the assessment service. If the certificate cannot be delivered, the claim is "
            "marked delivery attempted and the address can then be corrected"
        )
    new_values = {field: values[field] for field in EDITABLE_FIELDS if field in values}
    if "postcode" in new_values:
        text = str(new_values["postcode"] or "")
        new_values["postcode"] = normalise_postcode(text) or text.strip()
    if "option" in new_values and not course_options_of(fresh):
        new_values["option"] = ""
    changes = {
        field: (getattr(fresh, field), value)
        for field, value in new_values.items()
        if getattr(fresh, field) != value
    }
    if not changes:
        return {}
    before = fresh.status
    for field, (_, value) in changes.items():
        setattr(fresh, field, value)
    if fresh.status == Status.READY:
        changes["status"] = (Status.READY, Status.DRAFT)
        fresh.status = Status.DRAFT
        if submit_pending(fresh):
            changes[SUBMISSION] = ("requested", "cancelled")
    _save(
        fresh,
        user,
        changes,
        reason,
        "claims.changed",
        f"Certificate claim for {fresh.full_name} changed: {', '.join(changes)}",
    )
    if before in AT_SERVICE and service_client.configured():
        events.publish(ClaimChanged(fresh, user))
    claim.__dict__.update(fresh.__dict__)
    return changes


@transaction.atomic
def move_claim(
    claim: CertificateClaim, user: User, *, target: str, revision: int, reason: str = ""
) -> CertificateClaim:
    """Move the claim to ``target`` if the table of moves allows it.

    Marking a claim ready re-checks every readiness rule and is refused with each problem;
    the claim then carries its standard's LARS code. Once the service is configured, the
    statuses from Submitted on are the service's: a person cannot set them.
    """
    fresh = _locked(claim, revision)
    problem = move_problem(fresh.status, target, service_configured=service_client.configured())
    if problem:
        raise ClaimRefused(problem)
    changes: dict[str, tuple[Any, Any]] = {"status": (fresh.status, target)}
    if target == Status.READY:
        problems = readiness.problems_of(fresh)
        if problems:
            raise ClaimRefused(
                "The claim cannot be marked ready yet: " + "; ".join(problems),
                problems=problems,
            )
        code = readiness.standard_of(fresh).lars_code
        if code != fresh.standard_code:
            changes["standard_code"] = (fresh.standard_code, code)
            fresh.standard_code = code
    if target == Status.NOT_DELIVERED and not reason.strip():
        raise ClaimRefused(
            "Enter why the certificate could not be delivered, for example the address was wrong"
        )
    fresh.status = target
    _save(
        fresh,
        user,
        changes,
        reason,
        "claims.status",
        f"Certificate claim for {fresh.full_name} marked {STATUS_LABELS[target].lower()}",
    )
    if target == Status.READY:
        events.publish(ClaimReady(fresh, user))
    claim.__dict__.update(fresh.__dict__)
    return fresh


def mark_ready(
    claim: CertificateClaim, user: User, *, revision: int, reason: str = ""
) -> CertificateClaim:
    """Mark the claim ready for the service after re-checking every readiness rule."""
    return move_claim(claim, user, target=Status.READY, revision=revision, reason=reason)


# --- submission -----------------------------------------------------------------------------

SUBMISSION = "submission"
"""The ClaimChange field of a request to submit the claim to the service."""


def submit_pending(claim: CertificateClaim) -> bool:
    """Whether a submit of the claim's certificate was asked for and not yet made.

    A claim that goes back to draft cancels it (kept in its history): the corrected claim is
    submitted only when an admin asks again.
    """
    return ServiceItem.objects.filter(
        registration_id=claim.registration_id,
        kind=ServiceItem.Kind.CERTIFICATE,
        submit_requested_at__isnull=False,
        submitted_at__isnull=True,
    ).exists()


def submit_requested(claim: CertificateClaim) -> ClaimChange | None:
    """The request to submit the claim, if one was made and nothing changed since."""
    return (
        claim.changes.select_related("changed_by")
        .filter(field=SUBMISSION, new="requested", revision=claim.revision)
        .first()
    )


def _submit_refusal(
    claim: CertificateClaim, problems: list[Problem], revisions: dict[int, int] | None
) -> str | None:
    name = f"{claim.full_name} (ULN {claim.uln})"
    if revisions is not None and revisions.get(claim.pk) != claim.revision:
        return f"{name}: the claim changed since the page was shown; check it and submit again"
    if claim.status != Status.READY:
        return (
            f"{name}: the claim is {STATUS_LABELS[claim.status].lower()}; only a ready claim "
            "can be submitted"
        )
    if claim.changes.filter(field=SUBMISSION, new="requested", revision=claim.revision).exists():
        return f"{name}: its submission was already requested; the service's answer is awaited"
    if problems:
        return f"{name}: " + "; ".join(problems)
    return None


@transaction.atomic
def submit_claims(
    user: User, claims: Sequence[CertificateClaim], *, revisions: dict[int, int] | None = None
) -> list[CertificateClaim]:
    """Ask for the ready claims to be submitted to the service (one or several at once).

    Refused, with nothing submitted, when the service is not configured, when no claim is
    given, or when any claim is not ready, fails a check today, changed since its page showed
    ``revisions`` (claim id to revision) or was already asked for: each such claim is named
    with the reason. Otherwise each claim's history keeps the request and
    :class:`ClaimSubmitRequested` is published once for them all.
    """
    if not service_client.configured():
        raise ClaimRefused(NOT_CONFIGURED)
    if not claims:
        raise ClaimRefused("Select the ready claims to submit to the assessment service")
    locked = list(
        CertificateClaim.objects.select_for_update(of=("self",))
        .select_related(*readiness.RELATED)
        .filter(pk__in=[claim.pk for claim in claims], epao_id=user.epao_id)
        .order_by("pk")
    )
    problems = readiness.problems_of_many(locked)
    refusals = [
        refusal
        for claim in locked
        if (refusal := _submit_refusal(claim, problems[claim.pk], revisions))
    ]
    if refusals:
        raise ClaimRefused("Nothing was submitted: " + "; ".join(refusals), problems=refusals)
    for claim in locked:
        _save(
            claim,
            user,
            {SUBMISSION: ("", "requested")},
            "Submission to the apprenticeship assessment service requested",
            "claims.submit_requested",
            f"Submission of the certificate claim for {claim.full_name} to the assessment "
            "service requested",
        )
    events.publish(ClaimSubmitRequested(tuple(locked), user))
    return locked
