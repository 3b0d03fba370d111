"""What the stand-in of the assessment service holds: standards, learners, certificates.

Transcribed from das-assessor-service (paths below are under its ``src/``), independently of
OpenEPA's own transcription: nothing here imports ``openepa``.

- ``SFA.DAS.AssessorService.Domain/Consts/CertificateStatus.cs``, ``CertificateGrade.cs``,
  ``EpaOutcome.cs``, ``CompletionStatus.cs``, ``CertificateActions.cs``;
- ``SFA.DAS.AssessorService.Domain/JsonData/CertificateData.cs`` (the certificate's JSON);
- ``SFA.DAS.AssessorService.Application.Api/Services/StandardService.cs`` and
  ``SFA.DAS.AssessorService.Application/Mapping/Structs/StandardId.cs`` (finding a standard by
  LARS code, IfATE reference or StandardUId);
- ``SFA.DAS.AssessorService.Data/CertificateRepository.cs`` (references, logs, deletion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

# Domain/Consts/CertificateStatus.cs
DRAFT = "Draft"
READY = "Ready"
SUBMITTED = "Submitted"
DELETED = "Deleted"
SENT_TO_PRINTER = "SentToPrinter"
PRINTED = "Printed"
DELIVERED = "Delivered"
NOT_DELIVERED = "NotDelivered"
REPRINT = "Reprint"
PRINT_PROCESS_STATUSES = (SENT_TO_PRINTER, PRINTED, DELIVERED, NOT_DELIVERED, REPRINT)

# Domain/Consts/CertificateGrade.cs, in the order CertificateController.GetGrades lists them.
GRADES = (
    "Pass",
    "Credit",
    "Merit",
    "Distinction",
    "Pass with excellence",
    "Outstanding",
    "No grade awarded",
)
FAIL = "Fail"

# Domain/Consts/EpaOutcome.cs
EPA_OUTCOMES = ("Pass", "Fail", "Withdrawn")
PASS = "Pass"

# Domain/Consts/CompletionStatus.cs: Withdrawn = 3, TemporarilyWithdrawn = 6.
WITHDRAWN = 3
TEMPORARILY_WITHDRAWN = 6

# Domain/Consts/CertificateActions.cs (the actions the external API's handlers log).
START = "Start"
EPA = "Epa"
AMEND = "Amend"
SUBMIT = "Submit"
DELETE = "Delete"
STATUS = "Status"

# Application/Handlers/ExternalApi/_HelperClasses/ExternalApiConstants.cs
API_USER = "API"
# Domain/Consts/SystemUsers.cs: the print function's user name on print status changes.
PRINT_FUNCTION = "PrintFunction"

# BatchCertificateRequestValidator.cs, BatchEpaRequestValidator.cs: new DateTime(2017, 1, 1).
EARLIEST = datetime(2017, 1, 1)
# A .NET DateTime left unset (a date field missing from the request).
MIN_DATE = datetime(1, 1, 1)


def utc_now() -> datetime:
    """DateTime.UtcNow, as the service's naive UTC times."""
    return datetime.now(UTC).replace(tzinfo=None)


def ticks(value: datetime) -> datetime:
    """A DateTime as .NET compares it: by its clock value, whatever its Kind."""
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def version_key(version: str) -> tuple[int, ...]:
    """A version as the service orders them ([dbo].[ExpandedVersion]: major, then minor)."""
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


@dataclass(frozen=True)
class StandardVersion:
    """One version of a standard (the service's Standards table)."""

    lars_code: int
    reference: str
    version: str
    title: str
    level: int
    options: tuple[str, ...] = ()
    latest_start_date: date | None = None

    @property
    def uid(self) -> str:
        """The StandardUId, e.g. ``ST0071_1.0``."""
        return f"{self.reference}_{self.version}"


class Catalogue:
    """The standards the service knows (IStandardService, as the external API uses it)."""

    def __init__(self) -> None:
        self.by_code: dict[int, list[StandardVersion]] = {}

    def add(self, version: StandardVersion) -> None:
        """Add a version (replacing one of the same code and version)."""
        versions = [
            v for v in self.by_code.get(version.lars_code, []) if v.version != version.version
        ]
        versions.append(version)
        versions.sort(key=lambda v: version_key(v.version))
        self.by_code[version.lars_code] = versions

    def versions(self, lars_code: int) -> list[StandardVersion]:
        """GetStandardVersionsByLarsCode: every version, lowest first."""
        return list(self.by_code.get(lars_code, []))

    def _of_reference(self, reference: str) -> list[StandardVersion]:
        # The SQL compares [IfateReferenceNumber] = @ref under a case-insensitive collation.
        for versions in self.by_code.values():
            if versions and versions[0].reference.lower() == reference.lower():
                return versions
        return []

    def by_id(self, standard_id: str | None, version: str | None = None) -> StandardVersion | None:
        """StandardService.GetStandardVersionById: a LARS code, a 6-character reference or a UId.

        Without a version, the latest; with one, that version or None. A LARS code is anything
        ``int.TryParse`` reads (StandardId.cs); an id of 6 characters is an IfATE reference.
        """
        text = standard_id or ""
        lars = parse_int(text)
        if lars is not None:
            candidates = self.versions(lars)
        elif len(text) == 6:
            candidates = self._of_reference(text)
        else:
            return self.by_uid(text)
        if version is not None and version.strip():
            # SQL "Version = @version" (case-insensitive collation, trailing spaces ignored).
            wanted = version.rstrip().lower()
            return next((v for v in candidates if v.version.lower() == wanted), None)
        return candidates[-1] if candidates else None

    def by_uid(self, uid: str | None) -> StandardVersion | None:
        """GetStandardVersionByStandardUId."""
        for versions in self.by_code.values():
            for version in versions:
                if uid and version.uid.lower() == uid.lower():
                    return version
        return None


def parse_int(text: str, *, low: int = -(2**31), high: int = 2**31 - 1) -> int | None:
    """``int.TryParse`` (or ``long.TryParse`` with wider bounds): digits, a sign, spaces around."""
    if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


@dataclass
class Learner:
    """One ILR record (the service's Learner table), for one ULN and LARS code."""

    uln: int
    std_code: int
    standard_reference: str
    family_name: str
    given_names: str
    version: str = ""
    version_confirmed: bool = False
    course_option: str = ""
    completion_status: int | None = 1
    provider_ukprn: int = 10000528
    provider_name: str = "Stand-in Training Provider"
    learn_start_date: datetime = datetime(2024, 9, 2)
    planned_end_date: datetime | None = datetime(2026, 3, 31)
    learn_ref_number: str = ""


@dataclass
class EpaRecord:
    """One EPA (Domain/JsonData: EpaRecord)."""

    epa_date: datetime
    epa_outcome: str | None
    resit: bool | None = None
    retake: bool | None = None


@dataclass
class EpaDetails:
    """The EPA details a certificate holds (Domain/JsonData: EpaDetails)."""

    epa_reference: str | None = None
    latest_epa_date: datetime | None = None
    latest_epa_outcome: str | None = None
    epas: list[EpaRecord] = field(default_factory=list)


@dataclass
class CertificateData:
    """The certificate's data (Domain/JsonData/CertificateData.cs, the fields the API uses)."""

    learner_given_names: str | None = None
    learner_family_name: str | None = None
    standard_reference: str | None = None
    version: str | None = None
    standard_name: str | None = None
    standard_level: int = 0
    contact_name: str | None = None
    contact_organisation: str | None = None
    contact_add_line1: str | None = None
    contact_add_line2: str | None = None
    contact_add_line3: str | None = None
    contact_add_line4: str | None = None
    contact_post_code: str | None = None
    provider_name: str | None = None
    learning_start_date: datetime | None = None
    achievement_date: datetime | None = None
    course_option: str | None = None
    overall_grade: str | None = None
    department: str | None = None
    full_name: str | None = None
    epa_details: EpaDetails | None = None


@dataclass
class LogEntry:
    """One CertificateLogs row: what happened, the status after it, when (UTC) and by whom."""

    action: str | None
    status: str
    event_time: datetime
    username: str


@dataclass
class Certificate:
    """One certificate (the Certificates table), keyed by ULN and LARS code."""

    uln: int
    standard_code: int
    standard_uid: str | None
    reference: str
    status: str
    data: CertificateData
    epao_id: str
    provider_ukprn: int | None
    created_by: str = API_USER
    logs: list[LogEntry] = field(default_factory=list)
    batch_number: int | None = None
    to_be_printed: datetime | None = None
    deleted_at: datetime | None = None

    def log(self, action: str | None, username: str = API_USER, at: datetime | None = None) -> None:
        """AddSingleCertificateLog: the action and the status it left."""
        self.logs.append(LogEntry(action, self.status, at or utc_now(), username))


class Shared:
    """What one validator instance keeps between the items of one request.

    BatchCertificateRequestValidator.cs and BatchEpaRequestValidator.cs keep
    ``invalidVersionOrStandardMismatch`` in a local of the constructor, and the validators are
    registered scoped (``AddValidatorsFromAssemblyContaining``): the flag, once set by one item,
    stays set for the later items of the same request, which then skip the version checks.
    """

    def __init__(self) -> None:
        self.invalid_version_or_mismatch = False


class State:
    """The service's records the external API reads and writes, for one calling EPAO."""

    def __init__(self, *, epao_id: str, epao_name: str, ukprn: int) -> None:
        self.epao_id = epao_id
        self.epao_name = epao_name
        self.ukprn = ukprn
        self.catalogue = Catalogue()
        self.learners: dict[tuple[int, int], Learner] = {}
        self.approvals: dict[int, list[str]] = {}
        self.certificates: dict[tuple[int, int], Certificate] = {}
        # CertificateRepository.CreateCertificate: the IDENTITY CertificateReferenceId, padded
        # to 8 digits ("00010001").
        self._next_reference = 10001
        self._next_batch = 1

    def learner(self, uln: int, std_code: int) -> Learner | None:
        """ILearnerRepository.Get(uln, standardCode)."""
        return self.learners.get((uln, std_code))

    def certificate(self, uln: int, std_code: int) -> Certificate | None:
        """ICertificateRepository.GetCertificate(uln, standardCode), whatever its status."""
        return self.certificates.get((uln, std_code))

    def certificate_named(
        self, uln: int, std_code: int, family_name: str | None, epao_id: str | None = None
    ) -> Certificate | None:
        """GetCertificate(uln, code, familyName[, epaoId]); the SQL compares names in any case."""
        found = self.certificates.get((uln, std_code))
        if (
            found is None
            or (found.data.learner_family_name or "").lower() != (family_name or "").lower()
        ):
            return None
        return found if epao_id is None or found.epao_id == epao_id else None

    def approved_versions(self, std_code: int) -> list[str]:
        """GetEPAORegisteredStandardVersions(epao, larsCode): the versions it may assess."""
        return list(self.approvals.get(std_code, []))

    def approved(self, std_code: int) -> bool:
        """GetEpaoRegisteredStandards(epao).Any(s => s.StandardCode == code)."""
        return std_code in self.approvals

    def options(self, standard_uid: str | None) -> tuple[str, ...] | None:
        """GetStandardOptionsByStandardId(uid): the version's options; None if it is unknown."""
        standard = self.catalogue.by_uid(standard_uid)
        return None if standard is None else standard.options

    def new_reference(self) -> str:
        """The next certificate reference."""
        reference = f"{self._next_reference:08d}"
        self._next_reference += 1
        return reference

    def new_batch(self) -> int:
        """The next print batch number."""
        batch = self._next_batch
        self._next_batch += 1
        return batch
