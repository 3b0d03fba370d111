"""The government's apprenticeship assessment service's own rules, in its own words (pure Python).

Every EPA ends in the apprenticeship assessment service of the Education and Skills Funding
Agency (its "End Point Assessor Certification API"): the EPAO records each EPA there and
requests the certificate. The service's code is public; the rules below are transcribed from
it, each with the path of the file it comes from, so that OpenEPA refuses here, with the
service's own message, what the service would refuse there:

- ``das-assessor-service``: the service itself (``src/SFA.DAS.AssessorService...``);
- ``das-assessor-service-external-apiclient``: its published client and README;
- ``das-shared-packages``: the official ULN rule.

A check returns the service's messages (an empty list when it would accept). The messages are
the service's, word for word, because an EPAO admin may meet the same words in the service's
answer; :func:`advice` adds what to do in OpenEPA.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from openepa.rules.identifiers import ascii_digits

SERVICE = "the apprenticeship assessment service"

# das-assessor-service: src/SFA.DAS.AssessorService.Application.Api.External/Controllers/
# CertificateController.cs (MAX_CERTIFICATES_IN_REQUEST = 25) and EpaController.cs
# (MAX_EPAS_IN_REQUEST = 25): a request of more items is refused with 403 and this message.
BATCH_LIMIT = 25
BATCH_LIMIT_MESSAGE = f"Batch limited to {BATCH_LIMIT} requests"

# das-assessor-service: src/SFA.DAS.AssessorService.Domain/Consts/CertificateGrade.cs, in the
# order BatchCertificateRequestValidator.cs and CertificateController.GetGrades list them.
GRADES = (
    "Pass",
    "Credit",
    "Merit",
    "Distinction",
    "Pass with excellence",
    "Outstanding",
    "No grade awarded",
)
FAIL_GRADE = "Fail"

# das-assessor-service: src/SFA.DAS.AssessorService.Domain/Consts/EpaOutcome.cs
EPA_OUTCOMES = ("Pass", "Fail", "Withdrawn")

# das-assessor-service: src/SFA.DAS.AssessorService.Domain/Consts/CertificateStatus.cs, with
# the words of its GetDisplayName.
CERTIFICATE_STATUS_WORDS = {
    "Draft": "Draft",
    "Ready": "Ready",
    "Submitted": "Submitted",
    "ToBeApproved": "Submitted",
    "SentForApproval": "Sent for approval",
    "Approved": "Approved",
    "Rejected": "Rejected",
    "SentToPrinter": "Sent to printer",
    "Printed": "Printed",
    "Delivered": "Delivered",
    "NotDelivered": "Delivery attempted",
    "Cancelled": "Cancelled",
    "NoCertificate": "No certificate",
    "Deleted": "Deleted",
    "Reprint": "Reprint requested",
    "Error": "Error",
}
# CertificateStatus.PrintProcessStatus: the statuses of a certificate already submitted.
PRINT_PROCESS_STATUSES = ("SentToPrinter", "Printed", "Delivered", "NotDelivered", "Reprint")

# das-assessor-service: src/SFA.DAS.AssessorService.Domain/Consts/CompletionStatus.cs
COMPLETION_STATUS_WORDS = {
    1: "Continuing",
    2: "Complete",
    3: "Withdrawn",
    6: "Temporarily withdrawn",
}
WITHDRAWN_COMPLETION = (3, 6)

# das-assessor-service: src/SFA.DAS.AssessorService.Application.Api/Validators/ExternalApi/
# Certificates/BatchCertificateRequestValidator.cs (ContactPostCode ... Matches(...)).
POSTCODE_PATTERN = re.compile(
    r"^(([gG][iI][rR] {0,}0[aA]{2})|((([a-pr-uwyzA-PR-UWYZ][a-hk-yA-HK-Y]?[0-9][0-9]?)|"
    r"(([a-pr-uwyzA-PR-UWYZ][0-9][a-hjkstuwA-HJKSTUW])|"
    r"([a-pr-uwyzA-PR-UWYZ][a-hk-yA-HK-Y][0-9][abehmnprv-yABEHMNPRV-Y]))) {0,}"
    r"[0-9][abd-hjlnp-uw-zABD-HJLNP-UW-Z]{2}))$"
)

# BatchCertificateRequestValidator.cs and BatchEpaRequestValidator.cs: new DateTime(2017, 1, 1).
EARLIEST_DATE = date(2017, 1, 1)

# das-shared-packages: SFA.DAS.Learners/SFA.DAS.Learners/Validators/UlnValidator.cs
# (new Regex("^[1-9]{1}[0-9]{9}$"), then IsValidCheckSum).
ULN_PATTERN = re.compile(r"^[1-9][0-9]{9}$")


# --- the learner ----------------------------------------------------------------------------


def uln_valid(uln: str) -> bool:
    """The official ULN rule: ten digits, the first not 0, and the check sum.

    das-shared-packages ``UlnValidator.IsValidCheckSum``: multiply the ten digits by 10, 9 ...
    1 and add them up; the total divided by 11 leaves 10.
    """
    text = uln.strip()
    if not (ascii_digits(text) and ULN_PATTERN.match(text)):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(text, range(10, 0, -1), strict=True))
    return total % 11 == 10


def uln_messages(uln: str) -> list[str]:
    """The service's message for a ULN it cannot take, and OpenEPA's for a bad check digit.

    The service's validators (``RuleFor(m => m.Uln).InclusiveBetween(1000000000,
    9999999999).WithMessage("ULN should contain exactly 10 numbers")``) refuse a ULN that is
    not ten digits or starts with 0; the official rule above also refuses a wrong check digit.
    """
    text = uln.strip()
    if not (ascii_digits(text) and ULN_PATTERN.match(text)):
        return ["ULN should contain exactly 10 numbers"]
    if not uln_valid(text):
        return ["ULN is not valid: its check digit (the last digit) does not match the others"]
    return []


def same_family_name(ours: str, held: str) -> bool:
    """Whether two family names are the same to the service: letter for letter, any case.

    das-assessor-service validators compare ``string.Equals(requestedLearner.FamilyName,
    m.FamilyName, StringComparison.InvariantCultureIgnoreCase)``: "van dijk" matches "Van Dijk"
    but "VanDijk" does not.
    """
    return ours.lower() == held.lower()


def postcode_valid(postcode: str) -> bool:
    """Whether the service takes ``postcode`` as a UK postcode (its own pattern)."""
    return bool(POSTCODE_PATTERN.match(postcode))


def normalise_postcode(value: str) -> str | None:
    """A postcode the service takes, in capitals with one space before the last three, or None.

    >>> normalise_postcode(" ls11aa ")
    'LS1 1AA'
    >>> normalise_postcode("W1P 1AA") is None
    True
    """
    compact = re.sub(r"\s+", "", value or "").upper()
    if not postcode_valid(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


# --- what a request carries ----------------------------------------------------------------


@dataclass(frozen=True)
class StandardFacts:
    """What OpenEPA knows of a standard at the service: its codes, versions and options.

    ``options`` maps each version to its course options (empty when it has none).
    """

    reference: str
    lars_code: int | None
    versions: tuple[str, ...]
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def options_of(self, version: str) -> tuple[str, ...]:
        """The course options of ``version`` (none when the standard has none)."""
        return self.options.get(version, ())


@dataclass(frozen=True)
class HeldLearner:
    """What the service holds of a learner for a standard (from the learner lookup)."""

    family_name: str
    given_names: str = ""
    completion_status: int | None = None
    version: str = ""
    course_option: str = ""


@dataclass(frozen=True)
class CertificateFields:
    """The fields of a certificate request (das-assessor-service Models/Request/Certificates)."""

    uln: str
    family_name: str
    standard_code: int | None
    standard_reference: str
    version: str
    course_option: str
    overall_grade: str
    achievement_date: date | None
    contact_name: str
    department: str
    organisation: str
    address_line_1: str
    address_line_2: str
    address_line_3: str
    city: str
    postcode: str


@dataclass(frozen=True)
class EpaAttempt:
    """One EPA of a learner (Models/Request/Epa/EpaRecord.cs): its date and outcome."""

    epa_date: date
    outcome: str
    resit: bool = False
    retake: bool = False


@dataclass(frozen=True)
class EpaFields:
    """The fields of an EPA record request (Models/Request/CreateEpaRequest.cs)."""

    uln: str
    family_name: str
    standard_code: int | None
    standard_reference: str
    version: str
    course_option: str
    epas: tuple[EpaAttempt, ...]


# --- the service's checks ------------------------------------------------------------------


def names_the_standard(fields: CertificateFields | EpaFields, facts: StandardFacts) -> bool:
    """Whether the request names its standard: by LARS code, or by the standard's reference.

    The service looks the learner up only once it knows the standard (``When(m =>
    m.StandardCode > 0 ...)``, the code filled in from the reference where only that is sent).
    """
    if (fields.standard_code or 0) > 0:
        return True
    return bool(fields.standard_reference.strip()) and fields.standard_reference == facts.reference


def standard_messages(
    standard_code: int | None, standard_reference: str, version: str, facts: StandardFacts
) -> list[str]:
    """The standard is given, its two identifiers agree and its version is known.

    BatchCertificateRequestValidator.cs / BatchEpaRequestValidator.cs: ``StandardCode
    .GreaterThan(0)`` ("Provide a valid Standard"), the reference must be the code's
    ("StandardReference and StandardCode must be for the same Standard") and a version must
    be one of the standard's ("Invalid version for Standard"). A request may name the standard
    by its reference alone: the service fills in the code from it before these checks
    (CertificateRequestExtensions.PopulateMissingFields; the published client's README:
    "Request body can either use numeric standardCode ... or standardReference").
    """
    if (not standard_code or standard_code <= 0) and not standard_reference.strip():
        return ["Provide a valid Standard"]
    if not standard_code or standard_code <= 0:
        if standard_reference.strip() != facts.reference:
            return ["Provide a valid Standard"]
        if version.strip() and version.strip() not in facts.versions:
            return ["Invalid version for Standard"]
        return []
    # The service compares the reference only when one is sent (``if (!string.IsNullOrEmpty(
    # m.StandardReference))``).
    if facts.lars_code is not None and (
        standard_code != facts.lars_code
        or (standard_reference and standard_reference != facts.reference)
    ):
        return ["StandardReference and StandardCode must be for the same Standard"]
    if version.strip() and version.strip() not in facts.versions:
        return ["Invalid version for Standard"]
    return []


def course_option_messages(course_option: str, version: str, facts: StandardFacts) -> list[str]:
    """The course option is empty for a standard without options, else one of its options.

    BatchCertificateRequestValidator.cs: "No course option available for this Standard and
    version. Must be empty" and "Invalid course option for this Standard and version. Must be
    one of the following: ... where ... depends on the standard code, and can be obtained with
    GET /api/v1/standard/options/{LarsCode}/{Version}" (compared ignoring case).
    """
    options = facts.options_of(version)
    if not options:
        if course_option.strip():
            return ["No course option available for this Standard and version. Must be empty"]
        return []
    if not any(option.lower() == course_option.lower() for option in options):
        listed = ", ".join(options)
        return [
            "Invalid course option for this Standard and version. Must be one of the "
            f"following: {listed} where {listed} depends on the standard code, and can be "
            f"obtained with GET /api/v1/standard/options/{facts.lars_code}/{version}"
        ]
    return []


def learner_messages(
    family_name: str,
    version: str,
    course_option: str,
    held: HeldLearner | None,
    *,
    creating: bool,
) -> list[str]:
    """The learner the service holds for the ULN and standard matches the request.

    BatchCertificateRequestValidator.cs: "ULN, FamilyName and Standard not found." when no
    learner has that ULN for the standard or the family names differ (any case);
    CreateBatchCertificateRequestValidator.cs: "Cannot find the apprentice details" for a
    learner withdrawn or temporarily withdrawn, and "Incorrect version for learner" /
    "Incorrect course option for learner" when they differ from what the service holds.
    """
    if held is None or not same_family_name(family_name, held.family_name):
        return ["ULN, FamilyName and Standard not found."]
    messages: list[str] = []
    if held.completion_status in WITHDRAWN_COMPLETION:
        messages.append("Cannot find the apprentice details")
    if creating and _differ(held.version, version):
        messages.append("Incorrect version for learner")
    if creating and _differ(held.course_option, course_option):
        messages.append("Incorrect course option for learner")
    return messages


def _differ(held: str, sent: str) -> bool:
    """Both given and different, ignoring case and spaces around (``Trim().ToUpperInvariant()``)."""
    return bool(held.strip() and sent.strip()) and held.strip().upper() != sent.strip().upper()


def grade_messages(overall_grade: str) -> list[str]:
    """The grade is one of the service's pass grades, never Fail.

    BatchCertificateRequestValidator.cs (OverallGrade): "Select the grade achieved", "Cannot
    record a Fail grade via API", "You must enter a valid grade. Must be one of the following:
    ..." (compared ignoring case).
    """
    if not overall_grade.strip():
        return ["Select the grade achieved"]
    if overall_grade.lower() == FAIL_GRADE.lower():
        return [f"Cannot record a {FAIL_GRADE} grade via API"]
    if overall_grade.lower() not in (grade.lower() for grade in GRADES):
        listed = ", ".join(GRADES)
        return [
            f"You must enter a valid grade. Must be one of the following: {listed}, where "
            f"{listed} can be obtained with /api/v1/certificate/grades"
        ]
    return []


def achievement_date_messages(achievement_date: date | None, today: date) -> list[str]:
    """The achievement date is given, not before 1 January 2017 and not in the future.

    BatchCertificateRequestValidator.cs (AchievementDate).
    """
    if achievement_date is None:
        return ["Provide the achievement date"]
    if achievement_date < EARLIEST_DATE:
        return ["Achievement date cannot be before 01 01 2017"]
    if achievement_date > today:
        return ["Achievement date cannot be in the future"]
    return []


def postal_contact_messages(fields: CertificateFields) -> list[str]:
    """The postal contact the certificate is sent to is complete.

    BatchCertificateRequestValidator.cs: contact name, address line 1, city ("ContactAddLine4")
    and a postcode matching the service's pattern. The organisation is required too: the
    published README lists "Provide an organisation", and SubmitBatchCertificateRequestValidator.cs
    refuses a certificate without one ("Certificate is missing mandatory data").
    """
    messages = []
    if not fields.contact_name.strip():
        messages.append("Provide a contact name")
    if not fields.organisation.strip():
        messages.append("Provide an organisation")
    if not fields.address_line_1.strip():
        messages.append("Provide an address")
    if not fields.city.strip():
        messages.append("Provide a city or town")
    if not fields.postcode.strip():
        messages.append("Provide a postcode")
    elif not postcode_valid(fields.postcode):
        messages.append("Provide a valid UK postcode")
    return messages


def certificate_messages(
    fields: CertificateFields,
    facts: StandardFacts,
    held: HeldLearner | None,
    today: date,
    *,
    creating: bool = True,
) -> list[str]:
    """Every message the service would answer a certificate request with; empty if it accepts.

    ``held`` is the learner the lookup found (None when it found none). The checks the service
    makes of its own records (the EPAO's approval for the standard, a certificate already
    there) are not made here: only the service knows them.
    """
    messages: list[str] = []
    if not fields.family_name.strip():
        messages.append("Provide apprentice family name")
    messages += standard_messages(
        fields.standard_code, fields.standard_reference, fields.version, facts
    )
    messages += course_option_messages(fields.course_option, fields.version, facts)
    uln = uln_messages(fields.uln)
    messages += uln
    # The service looks the learner up only for a valid ULN, a family name and a standard code
    # (``.DependentRules(() => When(m => m.StandardCode > 0 && !string.IsNullOrEmpty(
    # m.FamilyName), ...))``).
    if not uln and fields.family_name.strip() and names_the_standard(fields, facts):
        messages += learner_messages(
            fields.family_name, fields.version, fields.course_option, held, creating=creating
        )
    messages += postal_contact_messages(fields)
    messages += grade_messages(fields.overall_grade)
    messages += achievement_date_messages(fields.achievement_date, today)
    return messages


def epa_messages(
    fields: EpaFields, facts: StandardFacts, held: HeldLearner | None, today: date
) -> list[str]:
    """Every message the service would answer an EPA record request with; empty if it accepts.

    BatchEpaRequestValidator.cs: the family name, standard, version, course option and ULN as
    for a certificate; a learner withdrawn at the service cannot be recorded; and each EPA has
    a date from 1 January 2017 to today and an outcome of Pass, Fail or Withdrawn.
    """
    messages: list[str] = []
    if not fields.family_name.strip():
        messages.append("Provide apprentice family name")
    messages += standard_messages(
        fields.standard_code, fields.standard_reference, fields.version, facts
    )
    if fields.course_option.strip():
        messages += course_option_messages(fields.course_option, fields.version, facts)
    uln = uln_messages(fields.uln)
    messages += uln
    if not uln and fields.family_name.strip() and names_the_standard(fields, facts):
        if held is None or not same_family_name(fields.family_name, held.family_name):
            messages.append("ULN, FamilyName and Standard not found.")
        elif held.completion_status in WITHDRAWN_COMPLETION:
            messages.append("Cannot find the apprentice details")
    if not fields.epas:
        messages.append("Provide EPA Details")
    for epa in fields.epas:
        if epa.epa_date < EARLIEST_DATE:
            messages.append("EPA Date cannot be before 01 01 2017")
        if epa.epa_date > today:
            messages.append("EPA Date cannot be in the future")
        if epa.outcome.lower() not in (outcome.lower() for outcome in EPA_OUTCOMES):
            messages.append("Invalid outcome: must be Pass, Fail or Withdrawn")
    return messages


# --- batches --------------------------------------------------------------------------------

T = TypeVar("T")


def batches(items: Iterable[T], size: int = BATCH_LIMIT) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (the service's limit of 25 a request)."""
    if not 1 <= size <= BATCH_LIMIT:
        raise ValueError(f"a batch holds 1 to {BATCH_LIMIT} items, not {size}")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def existing_certificate_reference(messages: Sequence[str]) -> str | None:
    """The reference in the service's "Certificate already exists: REF", if it said that.

    CreateBatchCertificateRequestValidator.cs answers a second create of the same certificate
    with ``$"Certificate already exists: {existingCertificate.CertificateReference}"``: a
    certificate OpenEPA created but whose answer was lost can so be found again.
    """
    for message in messages:
        found = re.fullmatch(r"Certificate already exists: (\S+)", message.strip())
        if found:
            return found.group(1)
    return None
