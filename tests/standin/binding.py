"""Reading a request body as ASP.NET Core (Newtonsoft.Json) binds it, then as the API maps it.

das-assessor-service ``src/SFA.DAS.AssessorService.Application.Api.External``:

- ``Models/Request/*.cs``: the request models (``long Uln``, ``int? StandardCode``, a non-nullable
  ``DateTime AchievementDate`` and ``EpaDate``, ``bool? Resit``...). Newtonsoft matches property
  names ignoring case, ignores unknown ones and converts what it can (``"1234567890"`` to a long);
  what it cannot convert makes the model state invalid, and
  ``StartupConfiguration/ServiceCollectionExtensions.cs`` (``InvalidModelStateResponseFactory``)
  then answers the whole request with an ``ApiResponse(403, "Your request contains invalid
  input...")`` whose HTTP status is also 403.
- ``AutoMapperProfiles/*RequestProfile.cs`` and ``CertificateDataProfile.cs``: the mapping into
  the internal ``BatchCertificateRequest`` / ``BatchEpaRequest`` (``StandardCode ?? 0``; a missing
  nested object gives nulls, or 0 for the ULN).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.standin.model import MIN_DATE

INVALID_INPUT = (
    "Your request contains invalid input. Please ensure it matches the swagger definition and "
    "try again."
)


class InvalidInput(Exception):  # noqa: N818 (the service's own words for it)
    """ASP.NET Core could not bind the request: the model state is invalid (403)."""


class ServerError(Exception):
    """What makes the real service throw and answer 500 with an empty body."""


# --- Newtonsoft's conversions ---------------------------------------------------------------

Converter = Callable[[Any], Any]


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return str(value)
    raise InvalidInput("not a string")


def _integer(low: int, high: int, *, nullable: bool) -> Converter:
    def convert(value: Any) -> int | None:
        if value is None:
            if nullable:
                return None
            raise InvalidInput("null for a number")
        if isinstance(value, bool):
            number = int(value)
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and math.isfinite(value):
            number = round(value)  # Convert.ChangeType rounds half to even, as round() does.
        elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
            number = int(value)
        elif isinstance(value, str) and nullable and not value.strip():
            return None
        else:
            raise InvalidInput("not a number")
        if not low <= number <= high:
            raise InvalidInput("number out of range")
        return number

    return convert


_long = _integer(-(2**63), 2**63 - 1, nullable=False)
_int_or_null = _integer(-(2**31), 2**31 - 1, nullable=True)


def parse_datetime(text: str) -> datetime:
    """An ISO date or date-time as Newtonsoft reads it; with a zone, as UTC (RoundtripKind)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value


def _datetime(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            raise InvalidInput("not a date") from None
    raise InvalidInput("not a date")


def _bool_or_null(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidInput("not a boolean")


@dataclass(frozen=True)
class Obj:
    """A nested request model: its properties, each with its converter and its default."""

    fields: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class ListOf:
    """A ``List<T>`` of a nested model."""

    item: Obj


def _bind(value: Any, schema: Obj) -> dict[str, Any] | None:
    """Bind one JSON object to a model: every declared property, defaulted when missing."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput("not an object")
    bound: dict[str, Any] = {name: default for name, (_, default) in schema.fields.items()}
    lowered = {name.lower(): name for name in schema.fields}
    for key, raw in value.items():
        name = lowered.get(str(key).lower())
        if name is None:
            continue  # MissingMemberHandling.Ignore
        kind = schema.fields[name][0]
        if isinstance(kind, Obj):
            bound[name] = _bind(raw, kind)
        elif isinstance(kind, ListOf):
            if raw is None:
                bound[name] = None
            elif isinstance(raw, list):
                bound[name] = [_bind(entry, kind.item) for entry in raw]
            else:
                raise InvalidInput("not a list")
        else:
            bound[name] = kind(raw)
    return bound


# Models/Request/Certificates/*.cs and Models/Request/Epa/*.cs
STANDARD = Obj({"standardCode": (_int_or_null, None), "standardReference": (_string, None)})
LEARNER = Obj({"uln": (_long, 0), "familyName": (_string, None)})
LEARNING_DETAILS = Obj(
    {
        "courseOption": (_string, None),
        "overallGrade": (_string, None),
        "achievementDate": (_datetime, MIN_DATE),
        "version": (_string, None),
    }
)
_POSTAL_FIELDS = (
    "contactName",
    "department",
    "organisation",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "city",
    "postCode",
)
POSTAL_CONTACT = Obj(dict.fromkeys(_POSTAL_FIELDS, (_string, None)))
EPA_RECORD = Obj(
    {
        "epaDate": (_datetime, MIN_DATE),
        "epaOutcome": (_string, None),
        "resit": (_bool_or_null, None),
        "retake": (_bool_or_null, None),
    }
)
EPA_DETAILS = Obj({"epas": (ListOf(EPA_RECORD), None)})
_CERTIFICATE_PARTS = {
    "requestId": (_string, None),
    "standard": (STANDARD, None),
    "learner": (LEARNER, None),
    "learningDetails": (LEARNING_DETAILS, None),
    "postalContact": (POSTAL_CONTACT, None),
}
# Models/Request/CreateCertificateRequest.cs, UpdateCertificateRequest.cs
CREATE_CERTIFICATE = Obj(_CERTIFICATE_PARTS)
UPDATE_CERTIFICATE = Obj({**_CERTIFICATE_PARTS, "certificateReference": (_string, None)})
# Models/Request/SubmitCertificateRequest.cs
SUBMIT_CERTIFICATE = Obj(
    {
        "requestId": (_string, None),
        "uln": (_long, 0),
        "standardCode": (_int_or_null, None),
        "standardReference": (_string, None),
        "familyName": (_string, None),
        "certificateReference": (_string, None),
    }
)
# Models/Request/CreateEpaRequest.cs, UpdateEpaRequest.cs
_EPA_PARTS = {
    "requestId": (_string, None),
    "standard": (STANDARD, None),
    "learner": (LEARNER, None),
    "learningDetails": (LEARNING_DETAILS, None),
    "epaDetails": (EPA_DETAILS, None),
}
CREATE_EPA = Obj(_EPA_PARTS)
UPDATE_EPA = Obj({**_EPA_PARTS, "epaReference": (_string, None)})


def bind_batch(body: bytes, schema: Obj) -> list[dict[str, Any]]:
    """The request body as ``IEnumerable<T>``; InvalidInput if it is not a JSON array of T."""
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("not JSON") from None
    if not isinstance(data, list):
        raise InvalidInput("not a JSON array")
    items = []
    for entry in data:
        bound = _bind(entry, schema)
        if bound is None:
            raise ServerError("a null item: request.Select(req => req.RequestId) throws")
        items.append(bound)
    return items


# --- the internal requests (Api.Types/Models/ExternalApi/...) -------------------------------


@dataclass
class CertificateFields:
    """Domain CertificateData as CertificateDataProfile maps it from a request."""

    version: str | None = None
    course_option: str | None = None
    overall_grade: str | None = None
    achievement_date: datetime | None = None
    contact_name: str | None = None
    department: str | None = None
    organisation: str | None = None
    add_line1: str | None = None
    add_line2: str | None = None
    add_line3: str | None = None
    city: str | None = None
    postcode: str | None = None


@dataclass
class CertificateRequest:
    """BatchCertificateRequest (create and update)."""

    request_id: str | None
    uln: int
    family_name: str | None
    standard_code: int
    standard_reference: str | None
    certificate_reference: str | None
    data: CertificateFields
    standard_uid: str | None = None

    def standard_id(self) -> str:
        """CertificateRequestExtensions.GetStandardId: the reference, else the code, else ""."""
        if self.standard_reference and self.standard_reference.strip():
            return self.standard_reference
        return str(self.standard_code) if self.standard_code > 0 else ""


@dataclass
class SubmitRequest:
    """SubmitBatchCertificateRequest."""

    request_id: str | None
    uln: int
    standard_code: int
    standard_reference: str | None
    family_name: str | None
    certificate_reference: str | None

    def standard_id(self) -> str:
        """SubmitBatchCertificateRequest.GetStandardId."""
        if self.standard_reference and self.standard_reference.strip():
            return self.standard_reference
        return str(self.standard_code) if self.standard_code > 0 else ""


@dataclass
class EpaRequest:
    """BatchEpaRequest (create and update); ``epas`` is None when epaDetails was."""

    request_id: str | None
    uln: int
    family_name: str | None
    standard_code: int
    standard_reference: str | None
    version: str | None
    course_option: str | None
    has_epa_details: bool
    epas: list[dict[str, Any]] | None
    epa_reference: str | None = None
    standard_uid: str | None = None

    def standard_id(self) -> str:
        """EpaRequestExtensions.GetStandardId."""
        if self.standard_reference and self.standard_reference.strip():
            return self.standard_reference
        return str(self.standard_code) if self.standard_code > 0 else ""


def _part(item: dict[str, Any], name: str) -> dict[str, Any]:
    return item.get(name) or {}


def certificate_request(item: dict[str, Any]) -> CertificateRequest:
    """Create/UpdateBatchCertificateRequestProfile and CertificateDataProfile."""
    standard, learner = _part(item, "standard"), _part(item, "learner")
    details, contact = item.get("learningDetails"), _part(item, "postalContact")
    return CertificateRequest(
        request_id=item.get("requestId"),
        uln=learner.get("uln") or 0,
        family_name=learner.get("familyName"),
        standard_code=standard.get("standardCode") or 0,
        standard_reference=standard.get("standardReference"),
        certificate_reference=item.get("certificateReference"),
        data=CertificateFields(
            version=(details or {}).get("version"),
            course_option=(details or {}).get("courseOption"),
            overall_grade=(details or {}).get("overallGrade"),
            # AutoMapper's null check: no learningDetails, no achievement date; learningDetails
            # without one, the .NET default DateTime (before 2017).
            achievement_date=details["achievementDate"] if details is not None else None,
            contact_name=contact.get("contactName"),
            department=contact.get("department"),
            organisation=contact.get("organisation"),
            add_line1=contact.get("addressLine1"),
            add_line2=contact.get("addressLine2"),
            add_line3=contact.get("addressLine3"),
            city=contact.get("city"),
            postcode=contact.get("postCode"),
        ),
    )


def submit_request(item: dict[str, Any]) -> SubmitRequest:
    """SubmitBatchCertificateRequestProfile."""
    return SubmitRequest(
        request_id=item.get("requestId"),
        uln=item.get("uln") or 0,
        standard_code=item.get("standardCode") or 0,
        standard_reference=item.get("standardReference"),
        family_name=item.get("familyName"),
        certificate_reference=item.get("certificateReference"),
    )


def epa_request(item: dict[str, Any]) -> EpaRequest:
    """Create/UpdateBatchEpaRequestProfile (EpaDetailsProfile, EpaRecordProfile)."""
    standard, learner, details = (
        _part(item, "standard"),
        _part(item, "learner"),
        _part(item, "learningDetails"),
    )
    epa_details = item.get("epaDetails")
    return EpaRequest(
        request_id=item.get("requestId"),
        uln=learner.get("uln") or 0,
        family_name=learner.get("familyName"),
        standard_code=standard.get("standardCode") or 0,
        standard_reference=standard.get("standardReference"),
        version=details.get("version"),
        course_option=details.get("courseOption"),
        has_epa_details=epa_details is not None,
        epas=None if epa_details is None else epa_details.get("epas"),
        epa_reference=item.get("epaReference"),
    )
