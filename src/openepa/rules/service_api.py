"""The JSON of the apprenticeship assessment service's external API: requests and answers.

Pure Python. The shapes are the service's request and response models (das-assessor-service,
``src/SFA.DAS.AssessorService.Application.Api.External/Models/Request`` and ``.../Response``)
in camelCase, as its published client (das-assessor-service-external-apiclient, README.md)
sends and reads them. Only fields the service reads are sent: the request's learner has a
``uln`` and a ``familyName`` (no given names: the service looks them up), and its postal
contact has address lines 1 to 3 and a city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openepa.rules.service import CertificateFields, EpaFields, HeldLearner


def _date_time(day: date | None) -> str | None:
    """A date as the service's DateTime (``2019-02-22T00:00:00``)."""
    return f"{day.isoformat()}T00:00:00" if day else None


def _or_none(text: str) -> str | None:
    text = text.strip()
    return text or None


def _uln_number(uln: str) -> int:
    """The ULN as the number the service's ``long Uln`` takes."""
    return int(uln.strip())


def _standard(code: int | None, reference: str) -> dict[str, Any]:
    return {"standardCode": code, "standardReference": _or_none(reference)}


def certificate_request(
    fields: CertificateFields, request_id: str, reference: str = ""
) -> dict[str, Any]:
    """One item of Create Certificate (POST) or, with ``reference``, Update Certificate (PUT).

    Models/Request/CreateCertificateRequest.cs and UpdateCertificateRequest.cs.
    """
    item: dict[str, Any] = {"requestId": request_id}
    if reference:
        item["certificateReference"] = reference
    learning: dict[str, Any] = {
        "version": _or_none(fields.version),
        "courseOption": _or_none(fields.course_option),
        "overallGrade": fields.overall_grade,
    }
    # LearningDetails.AchievementDate is a non-nullable DateTime: a null would make the service
    # refuse the whole batch as invalid input, so a missing date is left out (this item alone
    # is then refused).
    if fields.achievement_date is not None:
        learning["achievementDate"] = _date_time(fields.achievement_date)
    item |= {
        "standard": _standard(fields.standard_code, fields.standard_reference),
        "learner": {"uln": _uln_number(fields.uln), "familyName": fields.family_name},
        "learningDetails": learning,
        "postalContact": {
            "contactName": fields.contact_name,
            "department": _or_none(fields.department),
            "organisation": fields.organisation,
            "addressLine1": fields.address_line_1,
            "addressLine2": _or_none(fields.address_line_2),
            "addressLine3": _or_none(fields.address_line_3),
            "city": fields.city,
            "postCode": fields.postcode,
        },
    }
    return item


def submit_request(fields: CertificateFields, request_id: str, reference: str) -> dict[str, Any]:
    """One item of Submit Certificate (POST .../certificate/submit): SubmitCertificateRequest.cs."""
    return {
        "requestId": request_id,
        "uln": _uln_number(fields.uln),
        "standardCode": fields.standard_code,
        "standardReference": _or_none(fields.standard_reference),
        "familyName": fields.family_name,
        "certificateReference": reference,
    }


def epa_request(fields: EpaFields, request_id: str, reference: str = "") -> dict[str, Any]:
    """One item of Create EPA Record (POST) or, with ``reference``, Update EPA Record (PUT).

    Models/Request/CreateEpaRequest.cs, UpdateEpaRequest.cs and Epa/EpaRecord.cs: every EPA to
    date, each with its date, outcome and, after the first, whether it was a resit or retake.
    """
    item: dict[str, Any] = {"requestId": request_id}
    if reference:
        item["epaReference"] = reference
    epas = []
    for number, epa in enumerate(fields.epas):
        record: dict[str, Any] = {
            "epaDate": _date_time(epa.epa_date),
            "epaOutcome": epa.outcome,
        }
        if number:
            record |= {"resit": epa.resit, "retake": epa.retake}
        epas.append(record)
    item |= {
        "standard": _standard(fields.standard_code, fields.standard_reference),
        "learner": {"uln": _uln_number(fields.uln), "familyName": fields.family_name},
        "learningDetails": {
            "version": _or_none(fields.version),
            "courseOption": _or_none(fields.course_option),
        },
        "epaDetails": {"epas": epas},
    }
    return item


# --- answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemAnswer:
    """The service's answer to one item of a batch, found by its ``requestId``.

    ``reference`` is the certificate's or the EPA record's reference; ``status`` the
    certificate's current status (``Draft``, ``Ready``, ``Submitted``...), when it sent one.
    """

    request_id: str
    reference: str
    messages: tuple[str, ...]
    status: str = ""

    @property
    def accepted(self) -> bool:
        """Whether the service took the item (it gave no validation errors)."""
        return not self.messages


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def item_answers(body: Any) -> dict[str, ItemAnswer]:
    """The answer to each item of a batch response (Create/Update/Submit...Response.cs).

    Raises ValueError when the body is not the list of answers the service sends.
    """
    if not isinstance(body, list):
        raise ValueError("the service's answer is not a list of items")
    answers = {}
    for entry in body:
        if not isinstance(entry, dict):
            raise ValueError("an item of the service's answer is not an object")
        request_id = _text(entry.get("requestId"))
        reference = _text(entry.get("epaReference")) or _text(
            _dig(entry, "certificate", "certificateData", "certificateReference")
        )
        errors = entry.get("validationErrors") or []
        messages = tuple(str(message) for message in errors)
        status = _text(_dig(entry, "certificate", "status", "currentStatus"))
        answers[request_id] = ItemAnswer(request_id, reference, messages, status)
    return answers


@dataclass(frozen=True)
class CertificateState:
    """What the service says of a certificate (Models/Response/Certificates/Certificate.cs)."""

    reference: str
    status: str
    printed_at: datetime | None = None
    delivery_status: str = ""
    delivered_on: datetime | None = None
    submitted_at: datetime | None = None


def _date_time_of(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def certificate_state(body: Any) -> CertificateState | None:
    """The certificate's state from a Get Certificate answer (or a learner's ``certificate``)."""
    if not isinstance(body, dict):
        return None
    reference = _text(_dig(body, "certificateData", "certificateReference"))
    if not reference:
        return None
    return CertificateState(
        reference=reference,
        status=_text(_dig(body, "status", "currentStatus")),
        printed_at=_date_time_of(_dig(body, "printed", "printedAt")),
        delivery_status=_text(_dig(body, "delivered", "status")),
        delivered_on=_date_time_of(_dig(body, "delivered", "deliveryDate")),
        submitted_at=_date_time_of(_dig(body, "submitted", "submittedAt")),
    )


@dataclass(frozen=True)
class LearnerAnswer:
    """What Get Learner answers (Models/Response/Learners/GetLearner.cs), in plain fields."""

    held: HeldLearner
    standard_reference: str
    standard_code: int | None
    epa_reference: str
    latest_epa_outcome: str
    certificate: CertificateState | None


def learner_answer(body: Any) -> LearnerAnswer:
    """The learner from a Get Learner answer. Raises ValueError if the body is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("learnerData"), dict):
        raise ValueError("the service's answer holds no learner")
    data = body["learnerData"]
    code = _dig(data, "standard", "standardCode")
    completion = _dig(body, "status", "completionStatus")
    held = HeldLearner(
        family_name=_text(_dig(data, "learner", "familyName")),
        given_names=_text(_dig(data, "learner", "givenNames")),
        completion_status=completion if isinstance(completion, int) else None,
        version=_text(_dig(data, "learningDetails", "version")),
        course_option=_text(_dig(data, "learningDetails", "courseOption")),
    )
    return LearnerAnswer(
        held=held,
        standard_reference=_text(_dig(data, "standard", "standardReference")),
        standard_code=code if isinstance(code, int) else None,
        epa_reference=_text(_dig(body, "epaDetails", "epaReference")),
        latest_epa_outcome=_text(_dig(body, "epaDetails", "latestEpaOutcome")),
        certificate=certificate_state(body.get("certificate")),
    )
