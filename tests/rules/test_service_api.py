"""The JSON of the assessment service (openepa.rules.service_api): one test per function."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from openepa.rules import service_api
from openepa.rules.service import CertificateFields, EpaAttempt, EpaFields

FIELDS = CertificateFields(
    uln="1234567880",
    family_name="Van Dijk",
    standard_code=123,
    standard_reference="ST0071",
    version="1.2",
    course_option="",
    overall_grade="Pass",
    achievement_date=date(2026, 11, 20),
    contact_name="Pat Van Dijk",
    department="",
    organisation="Bright Retail",
    address_line_1="1 High Street",
    address_line_2="Flat 2",
    address_line_3="",
    city="Leeds",
    postcode="LS1 1AA",
)


def _keys(value: object) -> set[str]:
    """Every key at any depth of a JSON value."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_certificate_request() -> None:
    request = service_api.certificate_request(FIELDS, "openepa-claim-1")
    assert request == {
        "requestId": "openepa-claim-1",
        "standard": {"standardCode": 123, "standardReference": "ST0071"},
        "learner": {"uln": 1234567880, "familyName": "Van Dijk"},
        "learningDetails": {
            "version": "1.2",
            "courseOption": None,
            "overallGrade": "Pass",
            "achievementDate": "2026-11-20T00:00:00",
        },
        "postalContact": {
            "contactName": "Pat Van Dijk",
            "department": None,
            "organisation": "Bright Retail",
            "addressLine1": "1 High Street",
            "addressLine2": "Flat 2",
            "addressLine3": None,
            "city": "Leeds",
            "postCode": "LS1 1AA",
        },
    }
    keys = _keys(json.loads(json.dumps(request)))
    assert "givenNames" not in keys
    assert "addressLine4" not in keys
    update = service_api.certificate_request(FIELDS, "openepa-claim-1", "00012345")
    assert update["certificateReference"] == "00012345"
    assert list(update)[:2] == ["requestId", "certificateReference"]


def test_submit_request() -> None:
    assert service_api.submit_request(FIELDS, "r1", "00012345") == {
        "requestId": "r1",
        "uln": 1234567880,
        "standardCode": 123,
        "standardReference": "ST0071",
        "familyName": "Van Dijk",
        "certificateReference": "00012345",
    }


def test_epa_request() -> None:
    fields = EpaFields(
        uln="1234567880",
        family_name="Van Dijk",
        standard_code=123,
        standard_reference="ST0071",
        version="1.2",
        course_option="",
        epas=(
            EpaAttempt(date(2026, 6, 1), "Fail"),
            EpaAttempt(date(2026, 9, 1), "Pass", resit=True),
        ),
    )
    request = service_api.epa_request(fields, "e1", "EPA123")
    assert request["epaReference"] == "EPA123"
    assert request["epaDetails"] == {
        "epas": [
            {"epaDate": "2026-06-01T00:00:00", "epaOutcome": "Fail"},
            {
                "epaDate": "2026-09-01T00:00:00",
                "epaOutcome": "Pass",
                "resit": True,
                "retake": False,
            },
        ]
    }
    assert request["learner"] == {"uln": 1234567880, "familyName": "Van Dijk"}
    assert "epaReference" not in service_api.epa_request(fields, "e1")


def test_accepted() -> None:
    assert service_api.ItemAnswer("r1", "REF", ()).accepted
    assert not service_api.ItemAnswer("r1", "", ("Provide a postcode",)).accepted


def test_item_answers() -> None:
    body = [
        {
            "requestId": "r1",
            "certificate": {
                "certificateData": {"certificateReference": "00012345"},
                "status": {"currentStatus": "Draft"},
            },
            "validationErrors": [],
        },
        {"requestId": "r2", "validationErrors": ["Provide a valid UK postcode"]},
        {"requestId": "e1", "epaReference": "EPA9", "validationErrors": None},
    ]
    answers = service_api.item_answers(body)
    assert answers["r1"] == service_api.ItemAnswer("r1", "00012345", (), "Draft")
    assert answers["r2"].messages == ("Provide a valid UK postcode",)
    assert not answers["r2"].accepted
    assert answers["e1"].reference == "EPA9"
    with pytest.raises(ValueError, match="not a list"):
        service_api.item_answers({"requestId": "r1"})
    with pytest.raises(ValueError, match="not an object"):
        service_api.item_answers(["r1"])


def test_certificate_state() -> None:
    body = {
        "certificateData": {"certificateReference": "00012345"},
        "status": {"currentStatus": "Delivered"},
        "printed": {"printedAt": "2026-12-01T10:00:00Z"},
        "delivered": {"status": "Delivered", "deliveryDate": "2026-12-03T00:00:00"},
        "submitted": {"submittedAt": "not a date"},
    }
    state = service_api.certificate_state(body)
    assert state is not None
    assert (state.reference, state.status, state.delivery_status) == (
        "00012345",
        "Delivered",
        "Delivered",
    )
    assert state.printed_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert state.delivered_on == datetime(2026, 12, 3)
    assert state.submitted_at is None
    assert service_api.certificate_state({"status": {}}) is None
    assert service_api.certificate_state("nothing") is None


def test_learner_answer() -> None:
    body = {
        "learnerData": {
            "standard": {"standardCode": 123, "standardReference": "ST0071"},
            "learner": {"familyName": "Van Dijk", "givenNames": "Pat"},
            "learningDetails": {"version": "1.2", "courseOption": ""},
        },
        "status": {"completionStatus": 2},
        "epaDetails": {"epaReference": "EPA9", "latestEpaOutcome": "Pass"},
        "certificate": None,
    }
    answer = service_api.learner_answer(body)
    assert answer.held.family_name == "Van Dijk"
    assert answer.held.given_names == "Pat"
    assert answer.held.completion_status == 2
    assert (answer.standard_code, answer.standard_reference) == (123, "ST0071")
    assert (answer.epa_reference, answer.latest_epa_outcome) == ("EPA9", "Pass")
    assert answer.certificate is None
    odd = service_api.learner_answer(
        {"learnerData": {"standard": {"standardCode": "123"}}, "status": {"completionStatus": "2"}}
    )
    assert odd.standard_code is None
    assert odd.held.completion_status is None
    with pytest.raises(ValueError, match="holds no learner"):
        service_api.learner_answer({"learnerData": None})


def test_certificate_request_sends_empty_optional_fields_as_null() -> None:
    request = service_api.certificate_request(
        replace(FIELDS, version=" ", course_option="French", achievement_date=None), "r"
    )
    assert request["learningDetails"]["version"] is None
    assert request["learningDetails"]["courseOption"] == "French"
    # The service's DateTime cannot be null: a missing date is left out, so only this item
    # is refused ("Provide the achievement date") rather than the whole batch.
    assert "achievementDate" not in request["learningDetails"]
