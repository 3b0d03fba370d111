"""The service's answers as JSON, as its external API serialises its response models.

das-assessor-service ``src/SFA.DAS.AssessorService.Application.Api.External``:

- ``StartupConfiguration/ServiceCollectionExtensions.cs``: ``AddNewtonsoftJson`` with camelCase
  names, ``NullValueHandling.Include`` but ``DefaultValueHandling.IgnoreAndPopulate`` -- so a
  property equal to its type's default is left out: null, but also ``0`` for an ``int``/``long``,
  ``false`` for a ``bool`` and ``0001-01-01`` for a ``DateTime`` (an ``int?`` 0 or ``bool?``
  false is kept). Properties come in the order the models declare them.
- ``Models/Response/**``: the models; ``AutoMapperProfiles/CertificateProfile.cs``,
  ``CertificateDataProfile.cs``, ``CertificateStatusProfile.cs``, ``EpaDetailsProfile.cs``,
  ``GetBatchLearnerResponseProfile.cs``: what goes where, and which parts collapse to null.
- ``Extenstions/DateTimeExtensions.cs`` (``DropMilliseconds`` makes a new DateTime, so without a
  zone) and ``SFA.DAS.AssessorService.Domain/Extensions/DateTimeUtils.cs``
  (``UtcToTimeZoneTime``: "GMT Standard Time", UK local time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tests.standin.binding import ServerError
from tests.standin.model import MIN_DATE, CertificateData, EpaDetails, Learner, StandardVersion

try:
    UK = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without tz data
    UK = ZoneInfo("UTC")

Json = dict[str, Any]


def net_datetime(value: datetime) -> str:
    """Newtonsoft's ISO form: ``yyyy-MM-ddTHH:mm:ss.FFFFFFFK`` (no zone for a naive time)."""
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    fraction = f"{value.microsecond:06d}".rstrip("0")
    if fraction:
        text += "." + fraction
    offset = value.utcoffset()
    if offset is not None:
        if not offset:
            text += "Z"
        else:
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            text += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text


def drop_ms(value: datetime | None) -> datetime | None:
    """DropMilliseconds: the same clock time to the second, with no zone any more."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def uk_time(utc: datetime) -> datetime:
    """UtcToTimeZoneTime: a UTC time as the UK's clock showed it."""
    return utc.replace(tzinfo=UTC).astimezone(UK).replace(tzinfo=None)


def props(*entries: tuple[Any, ...]) -> Json:
    """An object with null members left out, and value-type members equal to their default.

    Each entry is ``(name, value)`` for a reference or nullable type, or ``(name, value,
    default)`` for a value type (``0``, ``False``, MIN_DATE).
    """
    out: Json = {}
    for name, value, *default in entries:
        if value is None or (default and value == default[0]):
            continue
        out[name] = net_datetime(value) if isinstance(value, datetime) else value
    return out


# --- certificates ---------------------------------------------------------------------------


@dataclass
class CertificateView:
    """A certificate as the internal API hands it over (after ApplyStatusInformation)."""

    reference: str | None
    status: str
    uln: int
    standard_code: int
    provider_ukprn: int | None
    data: CertificateData
    created_at: datetime | None
    created_by: str | None
    submitted_at: datetime | None
    submitted_by: str | None
    printed_at: datetime | None
    printed_batch: int | None
    delivered: tuple[str, datetime] | None


def certificate_json(view: CertificateView) -> Json:
    """Models/Response/Certificates/Certificate.cs (CertificateProfile and CollapseNullsAction)."""
    data = view.data
    learning = props(
        ("version", data.version or None),
        ("courseOption", data.course_option),
        ("overallGrade", data.overall_grade),
        ("achievementDate", drop_ms(data.achievement_date)),
        ("learningStartDate", data.learning_start_date or MIN_DATE, MIN_DATE),
        ("providerName", data.provider_name),
        ("providerUkPrn", view.provider_ukprn or 0, 0),
    )
    postal = props(
        ("contactName", data.contact_name),
        ("department", data.department),
        ("organisation", data.contact_organisation),
        ("addressLine1", data.contact_add_line1),
        ("addressLine2", data.contact_add_line2),
        ("addressLine3", data.contact_add_line3),
        ("city", data.contact_add_line4),
        ("postCode", data.contact_post_code),
    )
    certificate_data = props(
        ("certificateReference", view.reference),
        (
            "standard",
            props(
                ("standardCode", view.standard_code),
                ("standardReference", data.standard_reference),
                ("standardName", data.standard_name),
                ("level", data.standard_level, 0),
            ),
        ),
        (
            "learner",
            props(
                ("uln", view.uln, 0),
                ("givenNames", data.learner_given_names),
                ("familyName", data.learner_family_name),
            ),
        ),
        # CollapseNullsAction: no learning start date, no learningDetails; no postcode, no
        # postalContact.
        ("learningDetails", learning if data.learning_start_date is not None else None),
        ("postalContact", postal if data.contact_post_code is not None else None),
    )
    return props(
        ("certificateData", certificate_data),
        ("status", {"currentStatus": view.status}),
        (
            "created",
            props(("createdAt", drop_ms(view.created_at)), ("createdBy", view.created_by))
            if view.created_by is not None
            else None,
        ),
        (
            "submitted",
            props(("submittedAt", drop_ms(view.submitted_at)), ("submittedBy", view.submitted_by))
            if view.submitted_by is not None
            else None,
        ),
        (
            "printed",
            props(("printedAt", drop_ms(view.printed_at)), ("printedBatch", view.printed_batch))
            if view.printed_at is not None
            else None,
        ),
        (
            "delivered",
            props(("status", view.delivered[0]), ("deliveryDate", drop_ms(view.delivered[1])))
            if view.delivered is not None
            else None,
        ),
    )


def epa_details_json(details: EpaDetails | None) -> Json | None:
    """Models/Response/Epa/EpaDetails.cs and EpaRecord.cs."""
    if details is None:
        return None
    epas = None
    if details.epas is not None:
        epas = [
            props(
                ("epaDate", epa.epa_date, MIN_DATE),
                ("epaOutcome", epa.epa_outcome),
                ("resit", epa.resit),
                ("retake", epa.retake),
            )
            for epa in details.epas
        ]
    return props(
        ("epaReference", details.epa_reference),
        ("latestEpaDate", details.latest_epa_date),
        ("latestEpaOutcome", details.latest_epa_outcome),
        ("epas", epas),
    )


# --- learners -------------------------------------------------------------------------------


def learner_json(
    learner: Learner,
    standard: StandardVersion,
    *,
    provider_name: str,
    provider_ukprn: int,
    version: str | None,
    course_option: str | None,
    epa_details: EpaDetails | None,
    certificate: Json | None,
) -> Json:
    """Models/Response/Learners/GetLearner.cs, as GetLearnerProfile fills and collapses it."""
    learner_data = {
        "standard": props(
            ("standardCode", standard.lars_code),
            ("standardReference", standard.reference),
            ("standardName", standard.title),
            ("level", standard.level, 0),
        ),
        "learner": props(
            ("uln", learner.uln, 0),
            ("givenNames", learner.given_names),
            ("familyName", learner.family_name),
        ),
        "learningDetails": props(
            ("learnerReferenceNumber", learner.learn_ref_number),
            ("learningStartDate", drop_ms(learner.learn_start_date), MIN_DATE),
            ("plannedEndDate", drop_ms(learner.planned_end_date)),
            ("providerName", provider_name),
            ("providerUkPrn", provider_ukprn, 0),
            ("version", version),
            ("courseOption", course_option),
        ),
    }
    epa = epa_details_json(epa_details)
    # CollapseNullsAction: EPA details without a latest outcome are left out.
    if epa is not None and not epa.get("latestEpaOutcome"):
        epa = None
    status = None
    if learner.completion_status is not None:
        status = {"completionStatus": learner.completion_status}
    return props(
        ("learnerData", learner_data),
        ("status", status),
        ("epaDetails", epa),
        ("certificate", certificate),
    )


def deemed_ready(certificate: Json | None, has_options: bool | None = None) -> bool:
    """Helpers/CertificateHelpers.cs IsDraftCertificateDeemedAsReady, on the answer's JSON.

    A Draft certificate is reported as Ready when its mandatory fields are filled in. The
    service reads the response model, where a member the JSON leaves out is null, 0 or false.
    """
    data = (certificate or {}).get("certificateData")
    status = (certificate or {}).get("status") or {}
    if (
        data is None
        or status.get("currentStatus") != "Draft"
        or not data.get("certificateReference")
    ):
        return False
    standard = data.get("standard")
    # int? StandardCode: "null < 1" is false in C#, so only a code given and below 1 fails.
    if standard is None or (
        standard.get("standardCode") is not None and standard["standardCode"] < 1
    ):
        return False
    learning = data.get("learningDetails")
    if learning is None:
        # CertificateData.LearningDetails.Version on a null LearningDetails: a
        # NullReferenceException, so the service answers 500.
        raise ServerError("LearningDetails is null in IsDraftCertificateDeemedAsReady")
    if not learning.get("version"):
        return False
    postal = data.get("postalContact")
    if postal is None or not all(postal.get(key) for key in ("contactName", "city", "postCode")):
        return False
    learner = data.get("learner")
    uln = (learner or {}).get("uln", 0)
    if learner is None or not learner.get("familyName") or not 1000000000 < uln < 9999999999:
        return False
    if not learning.get("overallGrade") or "achievementDate" not in learning:
        return False
    return not (has_options is True and not learning.get("courseOption"))
