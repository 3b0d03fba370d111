"""Certificate claims: drafting, editing, marking ready, status moves and export.

Every change is made here, inside a transaction, with the claim row locked; it is refused if
the claim changed since the person loaded it (``revision``), and it adds a
:class:`ClaimChange` per field and an audit event. The readiness rules are in
:mod:`openepa.rules.claims`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openepa.accounts.models import User
from openepa.accounts.policy import policy_of
from openepa.audit.services import record_event
from openepa.claims.events import ClaimReady
from openepa.claims.models import CertificateClaim, ClaimChange
from openepa.kernel import clock, events, specs
from openepa.registration.access import registrations_for
from openepa.registration.models import Apprentice
from openepa.results.models import Appeal, Result
from openepa.results.reassessment import released_on
from openepa.rules.claims import (
    EDITABLE,
    GRADE_WORDS,
    STATUS_LABELS,
    ClaimData,
    claim_grades,
    claim_problems,
    move_problem,
    normalise_postcode,
)
from openepa.rules.identifiers import whole_number

Status = CertificateClaim.Status

EDITABLE_FIELDS = (
    "uln",
    "family_name",
    "given_names",
    "standard_reference",
    "standard_code",
    "version",
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
    "address_line_4",
    "city",
    "postcode",
)

BATCH = 200
"""How many claims are drafted at once, and how many rows an export reads at a time."""


class ClaimRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action the rules do not allow, with messages saying why and what to do."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]


class RecordChanged(ClaimRefused):
    """Someone else changed the claim while this person was working on it."""


def claims_for(user: User) -> QuerySet[CertificateClaim]:
    """The claims of the registrations ``user`` may see."""
    return CertificateClaim.objects.filter(
        epao_id=user.epao_id, registration__in=registrations_for(user)
    )


# --- drafting ---------------------------------------------------------------------------


def _prefill(result: Result) -> dict[str, Any]:
    registration = result.registration
    apprentice = registration.apprentice
    return {
        "epao_id": registration.epao_id,
        "registration": registration,
        "result": result,
        "uln": apprentice.uln,
        "family_name": apprentice.family_name,
        "given_names": apprentice.given_names,
        "standard_reference": registration.standard,
        # The LARS code comes from the standard file where the EPAO has entered it
        # (``lars_code``); otherwise the admin enters it on the claim.
        "standard_code": specs.rules_of(registration)[1].lars_code,
        "version": registration.version,
        "option": "",
        "overall_grade": GRADE_WORDS.get(result.grade, ""),
        "achievement_date": result.achievement_date or released_on(result),
        "recipient": CertificateClaim.Recipient.APPRENTICE,
        "contact_name": apprentice.full_name,
        "organisation": "",
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
            "registration", "registration__apprentice", "registration__epao"
        )[:limit]
    )
    for result in results:
        draft_claim_for_result(result, user)
    return len(results), results_without_claim(user).count()


# --- readiness --------------------------------------------------------------------------


def claim_data(claim: CertificateClaim) -> ClaimData:
    """The claim as the rules see it, with the family name held for its ULN."""
    held = (
        Apprentice.objects.filter(epao_id=claim.epao_id, uln=claim.uln.strip())
        .values_list("family_name", flat=True)
        .first()
    )
    result_grade = GRADE_WORDS.get(claim.result.grade) if claim.result.achieved else None
    return ClaimData(
        uln=claim.uln,
        family_name=claim.family_name,
        given_names=claim.given_names,
        standard_reference=claim.standard_reference,
        standard_code=claim.standard_code,
        version=claim.version,
        option=claim.option,
        overall_grade=claim.overall_grade,
        achievement_date=claim.achievement_date,
        recipient=claim.recipient,
        contact_name=claim.contact_name,
        organisation=claim.organisation,
        address_line_1=claim.address_line_1,
        city=claim.city,
        postcode=claim.postcode,
        held_family_name=held,
        result_grade=result_grade,
    )


def problems_of(claim: CertificateClaim) -> list[str]:
    """Everything that stops the claim being marked ready today."""
    policy = policy_of(claim.epao_id)
    open_appeal = Appeal.objects.filter(result_id=claim.result_id, status__in=Appeal.OPEN).exists()
    return claim_problems(
        claim_data(claim),
        clock.today(),
        released_on(claim.result),
        policy.appeal_period_days,
        policy.claim_top_grade_immediately,
        open_appeal,
    )


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
        .select_related("result")
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
    user: User,
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


@transaction.atomic
def update_claim(
    claim: CertificateClaim, user: User, *, revision: int, values: dict[str, Any], reason: str
) -> dict[str, tuple[Any, Any]]:
    """Change the claim's details; a ready claim goes back to draft to be checked again.

    Returns the (old, new) value of each field that changed; nothing is saved when none did.
    """
    fresh = _locked(claim, revision)
    if fresh.status not in EDITABLE:
        raise ClaimRefused(
            f"A {STATUS_LABELS[fresh.status].lower()} claim cannot be changed: it has been sent "
            "to the assessment service. If the certificate comes back, mark the claim returned "
            "and then correct the address"
        )
    new_values = {field: values[field] for field in EDITABLE_FIELDS if field in values}
    if "postcode" in new_values:
        text = str(new_values["postcode"] or "")
        new_values["postcode"] = normalise_postcode(text) or text.strip()
    changes = {
        field: (getattr(fresh, field), value)
        for field, value in new_values.items()
        if getattr(fresh, field) != value
    }
    if not changes:
        return {}
    for field, (_, value) in changes.items():
        setattr(fresh, field, value)
    if fresh.status == Status.READY:
        changes["status"] = (Status.READY, Status.DRAFT)
        fresh.status = Status.DRAFT
    _save(
        fresh,
        user,
        changes,
        reason,
        "claims.changed",
        f"Certificate claim for {fresh.full_name} changed: {', '.join(changes)}",
    )
    claim.__dict__.update(fresh.__dict__)
    return changes


@transaction.atomic
def move_claim(
    claim: CertificateClaim, user: User, *, target: str, revision: int, reason: str = ""
) -> CertificateClaim:
    """Move the claim to ``target`` if the table of moves allows it.

    Marking a claim ready re-checks every readiness rule and is refused with each problem.
    """
    fresh = _locked(claim, revision)
    problem = move_problem(fresh.status, target)
    if problem:
        raise ClaimRefused(problem)
    if target == Status.READY:
        problems = problems_of(fresh)
        if problems:
            raise ClaimRefused(
                "The claim cannot be marked ready yet: " + "; ".join(problems),
                problems=problems,
            )
    if target == Status.RETURNED and not reason.strip():
        raise ClaimRefused(
            "Enter why the certificate was returned, for example the address was wrong"
        )
    old = fresh.status
    fresh.status = target
    _save(
        fresh,
        user,
        {"status": (old, target)},
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


# --- export -----------------------------------------------------------------------------


def _number(text: str) -> int | str:
    number = whole_number(text)
    return text if number is None else number


def certificate_request(claim: CertificateClaim) -> dict[str, Any]:
    """The claim as one certificate request of the assessment service's API.

    The shape follows the published External API client of the apprenticeship assessment
    service (SkillsFundingAgency/das-assessor-service-external-apiclient, "Create
    Certificate", POST /api/v1/certificate): ``requestId``, ``standard`` (``standardCode``,
    the LARS number, and ``standardReference``), ``learner`` (``uln`` as a number,
    ``familyName``, ``givenNames``), ``learningDetails`` (``courseOption``, ``overallGrade``,
    ``achievementDate`` as a date-time) and ``postalContact``. Two fields are beyond what that
    client shows and are included as asked of OpenEPA: ``learningDetails.version`` (the
    standard's version, which later versions of the service take) and
    ``postalContact.addressLine4`` (the published request has lines 1 to 3).
    """
    achieved = claim.achievement_date
    return {
        "requestId": f"openepa-claim-{claim.pk}",
        "standard": {
            "standardCode": claim.standard_code,
            "standardReference": claim.standard_reference,
        },
        "learner": {
            "uln": _number(claim.uln.strip()),
            "familyName": claim.family_name,
            "givenNames": claim.given_names,
        },
        "learningDetails": {
            "courseOption": claim.option or None,
            "overallGrade": claim.overall_grade,
            "achievementDate": f"{achieved.isoformat()}T00:00:00" if achieved else None,
            "version": claim.version,
        },
        "postalContact": {
            "contactName": claim.contact_name,
            "department": claim.department or None,
            "organisation": claim.organisation or None,
            "addressLine1": claim.address_line_1,
            "addressLine2": claim.address_line_2 or None,
            "addressLine3": claim.address_line_3 or None,
            "addressLine4": claim.address_line_4 or None,
            "city": claim.city,
            "postCode": claim.postcode,
        },
    }


CSV_COLUMNS = [
    "requestId",
    "standardCode",
    "standardReference",
    "uln",
    "familyName",
    "givenNames",
    "courseOption",
    "overallGrade",
    "achievementDate",
    "version",
    "contactName",
    "department",
    "organisation",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "addressLine4",
    "city",
    "postCode",
    "status",
]


def csv_row(claim: CertificateClaim) -> list[str]:
    """The claim as one CSV row of CSV_COLUMNS (the JSON request flattened, and its status)."""
    request = certificate_request(claim)
    flat: dict[str, Any] = {"requestId": request["requestId"]}
    for part in ("standard", "learner", "learningDetails", "postalContact"):
        flat.update(request[part])
    flat["achievementDate"] = _text(claim.achievement_date)
    flat["status"] = claim.status
    return [_csv_safe(_text(flat[column])) for column in CSV_COLUMNS]


def _csv_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ready_claims(user: User) -> QuerySet[CertificateClaim]:
    """The claims in the user's scope that are ready: the only ones an export holds.

    A draft has not passed its checks, and a claim already sent must not be sent twice.
    """
    return claims_for(user).filter(status=Status.READY)


def _batches(claims: QuerySet[CertificateClaim]) -> Iterator[CertificateClaim]:
    """The claims in order, read BATCH rows at a time."""
    yield from claims.order_by("pk").iterator(chunk_size=BATCH)


def export_json(claims: QuerySet[CertificateClaim]) -> Iterator[str]:
    """The claims as a JSON array of certificate requests, in pieces to stream.

    The pages export :func:`ready_claims` only.
    """
    yield "["
    first = True
    for claim in _batches(claims):
        yield ("" if first else ",") + "\n" + json.dumps(certificate_request(claim))
        first = False
    yield "\n]\n"


def export_csv(claims: QuerySet[CertificateClaim]) -> Iterator[str]:
    """The claims as CSV with a header row, in pieces to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for claim in _batches(claims):
        writer.writerow(csv_row(claim))
        if buffer.tell() > 16_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
