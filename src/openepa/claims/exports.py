"""Files of ready claims for EPAOs that upload them at the assessment service by hand.

Only claims that are ready **and** pass every check today go into a file: a ready claim that
now fails one (its appeal reopened, its consent withdrawn, the learner look-up changed...) is
left out and listed on the claims page with its problems.

- CSV: exactly the columns of the published client's sample ``createCertificates.csv``
  (das-assessor-service-external-apiclient, src/SFA.DAS.AssessorService.ExternalApi.Examples/
  CsvFiles/createCertificates.csv), the achievement date written as the sample writes it
  (``dd/MM/yyyy HH:mm``), and no value a spreadsheet would run as a formula.
- JSON: a JSON array of batches, each a list of at most 25 certificate requests (the
  service's limit a request), in the request shape of :mod:`openepa.rules.service_api`.

Both are streamed, reading the claims a batch at a time with a fixed number of queries each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from openepa.claims import readiness
from openepa.claims.models import CertificateClaim
from openepa.claims.services import BATCH, request_id
from openepa.claims.standards import FactsCache
from openepa.rules import service_api
from openepa.rules.claims import Problem, certificate_fields
from openepa.rules.service import CertificateFields, batches
from openepa.rules.streams import csv_pieces, json_batches, spreadsheet_safe

CSV_COLUMNS = [
    "RequestId",
    "Uln",
    "GivenNames",
    "FamilyName",
    "StandardCode",
    "StandardReference",
    "Version",
    "CourseOption",
    "OverallGrade",
    "AchievementDate",
    "ContactName",
    "Organisation",
    "AddressLine1",
    "City",
    "PostCode",
]


@dataclass(frozen=True)
class Checked:
    """A ready claim, the fields it would be sent with and what stops it, if anything."""

    claim: CertificateClaim
    fields: CertificateFields
    problems: list[Problem]


def checked(claims: QuerySet[CertificateClaim]) -> Iterator[Checked]:
    """Each claim with its problems today, read BATCH rows at a time in id order."""
    facts = FactsCache()
    query = claims.select_related(*readiness.RELATED).order_by("pk")
    last = 0
    while True:
        batch = list(query.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        context = readiness.context_for(batch, facts)
        for claim in batch:
            data = readiness.claim_data(claim, context)
            yield Checked(claim, certificate_fields(data), readiness.problems_with(claim, context))
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


def valid(claims: QuerySet[CertificateClaim]) -> Iterator[Checked]:
    """The claims that pass every check today."""
    return (item for item in checked(claims) if not item.problems)


def held_back(
    claims: QuerySet[CertificateClaim], limit: int = 25
) -> tuple[list[Checked], int, int]:
    """Up to ``limit`` ready claims left out of the files, how many there are, how many go."""
    shown: list[Checked] = []
    failing = passing = 0
    for item in checked(claims):
        if item.problems:
            failing += 1
            if len(shown) < limit:
                shown.append(item)
        else:
            passing += 1
    return shown, failing, passing


def csv_row(item: Checked) -> list[str]:
    """One claim as a row of CSV_COLUMNS."""
    fields, claim = item.fields, item.claim
    day = fields.achievement_date
    values = [
        request_id(claim),
        fields.uln,
        claim.given_names,
        fields.family_name,
        "" if fields.standard_code is None else str(fields.standard_code),
        fields.standard_reference,
        fields.version,
        fields.course_option,
        fields.overall_grade,
        f"{day:%d/%m/%Y} 00:00" if day else "",
        fields.contact_name,
        fields.organisation,
        fields.address_line_1,
        fields.city,
        fields.postcode,
    ]
    return [spreadsheet_safe(value) for value in values]


def export_csv(claims: QuerySet[CertificateClaim]) -> Iterator[str]:
    """The claims that pass every check as CSV with the sample's header row, in pieces."""
    return csv_pieces(CSV_COLUMNS, (csv_row(item) for item in valid(claims)))


def export_json(claims: QuerySet[CertificateClaim]) -> Iterator[str]:
    """The claims that pass every check as a JSON array of batches of at most 25 requests."""
    return json_batches(
        [
            service_api.certificate_request(
                item.fields, request_id(item.claim), item.claim.certificate_reference
            )
            for item in batch
        ]
        for batch in batches(valid(claims))
    )
