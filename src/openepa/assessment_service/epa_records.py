"""A registration's EPA record at the service: its fields, its request, and the exports by hand.

The apprenticeship assessment service keeps one EPA record per learner and standard, with
every EPA to date (das-assessor-service-external-apiclient README.md, "Create EPA Record":
"including all historical EPA attempts and outcomes"; "Update EPA Record": "The latest and all
previous EPA outcomes for the learner and standard combination should be included"). OpenEPA
builds it from the registration's released results, one EPA per sitting in sitting order:

- the outcome is ``Pass`` for a pass, merit or distinction and ``Fail`` otherwise
  (das-assessor-service ``Domain/Consts/EpaOutcome.cs``: Pass, Fail, Withdrawn);
- the EPA date is the sitting's last assessment date;
- a later sitting is a resit or a retake as recorded (``resit``/``retake``, README "Update EPA
  Record": "the EPA details can include an optional "resit" or "retake" boolean");
- a registration withdrawn after the gateway (accepted, so its EPA period began) or once a
  sitting was opened ends with a ``Withdrawn`` EPA on the day it was withdrawn (issue 12: "a
  Withdrawn record is sent when a registration is withdrawn after gateway").

The LARS code is the one set for the EPAO's standard (:class:`StandardAtService`), else the
standard file's ``lars_code``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from openepa.accounts.models import User
from openepa.assessment.models import Sitting
from openepa.claims.models import CertificateClaim
from openepa.claims.standards import standard_info
from openepa.registration.access import registrations_for
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result
from openepa.results.reassessment import released_on
from openepa.rules.service import BATCH_LIMIT, EpaAttempt, EpaFields, batches
from openepa.rules.service_api import epa_request
from openepa.rules.streams import csv_pieces, json_batches, spreadsheet_safe

PASS_GRADES = frozenset({"pass", "merit", "distinction"})
PASS, FAIL, WITHDRAWN = "Pass", "Fail", "Withdrawn"

# das-assessor-service-external-apiclient:
# src/SFA.DAS.AssessorService.ExternalApi.Examples/CsvFiles/createEpaRecords.csv
CSV_COLUMNS = (
    "RequestId",
    "Uln",
    "GivenNames",
    "FamilyName",
    "StandardCode",
    "StandardReference",
    "Version",
    "CourseOption",
    "EpaOutcome",
    "EpaDate",
)


def lars_code_of(registration: Registration) -> int | None:
    """The standard's LARS code: as set for the EPAO's standard, else from the standard file."""
    info = standard_info(registration.epao_id, registration.standard)
    return info.lars_code if info is not None else None


def epa_begun(registration: Registration) -> bool:
    """Whether the registration's EPA began: its gateway accepted, a sitting opened or a result.

    An apprentice who withdraws after the gateway is recorded at the service as withdrawn,
    whether or not an assessment had taken place.
    """
    return (
        registration.gateway_date is not None
        or Sitting.objects.filter(registration_id=registration.pk).exists()
        or Result.objects.filter(registration_id=registration.pk).exists()
    )


def outcome_of(grade: str) -> str:
    """The service's EPA outcome of one of OpenEPA's grades: Pass or Fail."""
    return PASS if grade in PASS_GRADES else FAIL


def epa_date_of(result: Result) -> date:
    """The date of a released sitting's EPA at the service.

    A fail is dated by its last assessment. A pass is dated by its achievement date (the
    claim's, else the result's, else the day it was released): creating the certificate adds
    a Pass EPA on the achievement date unless one on that date is already recorded
    (das-assessor-service src/SFA.DAS.AssessorService.Application/Handlers/ExternalApi/
    Certificates/CreateBatchCertificateHandler.cs, CombineCertificateData), so any other
    date would show one pass as two.
    """
    if outcome_of(result.grade) != PASS:
        return result.last_assessment_on
    claimed = (
        CertificateClaim.objects.filter(result_id=result.pk)
        .values_list("achievement_date", flat=True)
        .first()
    )
    return claimed or result.achievement_date or released_on(result)


def attempts_of(registration: Registration) -> list[EpaAttempt]:
    """Every EPA of the registration to date: each released sitting, then any withdrawal."""
    results = (
        Result.objects.filter(registration_id=registration.pk)
        .select_related("sitting")
        .order_by("sitting__number", "pk")
    )
    attempts = []
    for number, result in enumerate(results):
        kind = result.sitting.kind
        attempts.append(
            EpaAttempt(
                epa_date=epa_date_of(result),
                outcome=outcome_of(result.grade),
                resit=bool(number) and kind == Sitting.Kind.RESIT,
                retake=bool(number) and kind == Sitting.Kind.RETAKE,
            )
        )
    if registration.withdrawn_on is not None:
        attempts.append(EpaAttempt(epa_date=registration.withdrawn_on, outcome=WITHDRAWN))
    return attempts


def epa_fields(registration: Registration) -> EpaFields:
    """The registration's EPA record as the service's request carries it."""
    apprentice = registration.apprentice
    return EpaFields(
        uln=apprentice.uln,
        family_name=apprentice.family_name,
        standard_code=lars_code_of(registration),
        standard_reference=registration.standard,
        version=registration.version,
        course_option="",
        epas=tuple(attempts_of(registration)),
    )


def epa_payload(registration: Registration) -> dict[str, Any] | None:
    """The EPA record's request without its ``requestId``; None when there is no EPA yet."""
    fields = epa_fields(registration)
    if not fields.epas:
        return None
    payload = epa_request(fields, "")
    del payload["requestId"]
    return payload


def request_id(item: ServiceItem) -> str:
    """The ``requestId`` of the item's request: unique within a request, new at each change."""
    return f"openepa-{item.pk}-{item.revision}"


def with_request_id(item: ServiceItem, reference: str = "") -> dict[str, Any]:
    """The item's request with its ``requestId`` first and, for an update, its reference."""
    body: dict[str, Any] = {"requestId": request_id(item)}
    if reference:
        body["epaReference" if item.kind == ServiceItem.Kind.EPA else "certificateReference"] = (
            reference
        )
    body.update(item.payload)
    return body


# --- the exports for EPAOs that upload by hand --------------------------------------------


def due_epa_records(user: User) -> QuerySet[ServiceItem]:
    """The EPA records of the user's EPAO waiting to be sent, oldest first."""
    return (
        ServiceItem.objects.filter(
            epao_id=user.epao_id,
            registration__in=registrations_for(user),
            kind=ServiceItem.Kind.EPA,
            state=ServiceItem.State.WAITING,
        )
        .select_related("registration__apprentice")
        .order_by("pk")
    )


def sample_date_time(day: date) -> str:
    """A date as the client's sample CSV writes it: ``10/09/2018 00:00`` (dd/MM/yyyy HH:mm)."""
    return f"{day:%d/%m/%Y} 00:00"


def csv_row(item: ServiceItem) -> list[str]:
    """One learner's row of the client's ``createEpaRecords.csv``: the latest EPA."""
    payload = item.payload
    standard = payload.get("standard") or {}
    learner = payload.get("learner") or {}
    details = payload.get("learningDetails") or {}
    epas = (payload.get("epaDetails") or {}).get("epas") or [{}]
    latest = epas[-1]
    epa_day = str(latest.get("epaDate") or "")[:10]
    return [
        request_id(item),
        str(learner.get("uln") or ""),
        spreadsheet_safe(item.registration.apprentice.given_names),
        spreadsheet_safe(str(learner.get("familyName") or "")),
        str(standard.get("standardCode") or ""),
        str(standard.get("standardReference") or ""),
        str(details.get("version") or ""),
        spreadsheet_safe(str(details.get("courseOption") or "")),
        str(latest.get("epaOutcome") or ""),
        sample_date_time(date.fromisoformat(epa_day)) if epa_day else "",
    ]


def export_csv(items: QuerySet[ServiceItem]) -> Iterator[str]:
    """The EPA records as the client's ``createEpaRecords.csv``, in pieces to stream."""
    return csv_pieces(CSV_COLUMNS, (csv_row(item) for item in items.iterator(chunk_size=200)))


def export_json(items: QuerySet[ServiceItem]) -> Iterator[str]:
    """The EPA records as requests in batches of 25: a JSON array of arrays, to stream.

    Records the service has not seen come first, as Create EPA Record requests (POST); those
    it holds follow, as Update EPA Record requests (PUT) with their ``epaReference``. No
    batch mixes the two.
    """
    groups = (items.filter(reference=""), items.exclude(reference=""))
    return json_batches(
        [with_request_id(item, item.reference) for item in batch]
        for group in groups
        for batch in batches(group.iterator(chunk_size=200), BATCH_LIMIT)
    )
