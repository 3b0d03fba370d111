"""The stand-in answers as the assessment service's source says it does (over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.standin.service import KEY_HEADER, StandIn

ULN = "1234567890"


@pytest.fixture
def service(assessment_service: StandIn) -> StandIn:
    """One standard (LARS 1, ST0071, versions 1.0 and 1.1), approved, and a learner on it."""
    assessment_service.add_standard(1, "ST0071", ["1.0", "1.1"], title="Retailer", level=2)
    assessment_service.approve(1)
    assessment_service.add_learner(ULN, "Van Dijk", 1, "ST0071", given_names="Anna", version="1.0")
    return assessment_service


@pytest.fixture
def api(service: StandIn, settings: Any) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=settings.ASSESSMENT_SERVICE_URL, headers={KEY_HEADER: service.key}
    ) as client:
        yield client


def certificate(request_id: str = "r1", **changes: Any) -> dict[str, Any]:
    """A Create Certificate item, as the published client's README shows one."""
    item: dict[str, Any] = {
        "requestId": request_id,
        "standard": {"standardCode": 1, "standardReference": "ST0071"},
        "learner": {"uln": int(ULN), "familyName": "Van Dijk"},
        "learningDetails": {
            "version": "1.0",
            "overallGrade": "Merit",
            "achievementDate": "2025-06-30T00:00:00",
        },
        "postalContact": {
            "contactName": "Erin Employer",
            "organisation": "Bright Retail",
            "addressLine1": "1 High Street",
            "city": "Leeds",
            "postCode": "LS1 1AA",
        },
    }
    for path, value in changes.items():
        part, name = path.split("__")
        item[part][name] = value
    return item


def epa(outcome: str = "Pass", day: str = "2025-06-30") -> dict[str, Any]:
    return {
        "requestId": "e1",
        "standard": {"standardReference": "ST0071"},
        "learner": {"uln": int(ULN), "familyName": "Van Dijk"},
        "learningDetails": {"version": "1.0"},
        "epaDetails": {"epas": [{"epaDate": f"{day}T00:00:00", "epaOutcome": outcome}]},
    }


def test_more_than_25_items_are_refused_whole(api: httpx.Client, service: StandIn) -> None:
    response = api.post("api/v1/certificate", json=[certificate(f"r{n}") for n in range(26)])

    assert response.status_code == 403
    assert response.json() == {"statusCode": 403, "message": "Batch limited to 25 requests"}
    assert service.certificates() == []


def test_a_request_without_the_subscription_key_is_refused(service: StandIn, settings: Any) -> None:
    for headers in ({}, {KEY_HEADER: "not-the-key"}):
        response = httpx.get(
            settings.ASSESSMENT_SERVICE_URL + "api/v1/certificate/grades", headers=headers
        )
        assert response.status_code == 401
        assert response.json() == {
            "statusCode": 401,
            "message": "Access denied due to invalid subscription key. Make sure to provide a "
            "valid key for an active subscription.",
        }


def test_a_family_name_is_compared_in_any_case_but_letter_for_letter(api: httpx.Client) -> None:
    found = api.get(f"api/v1/learner/{ULN}/van%20DIJK/ST0071")
    assert found.status_code == 200
    assert found.json()["learnerData"]["learner"] == {
        "uln": int(ULN),
        "givenNames": "Anna",
        "familyName": "Van Dijk",
    }
    assert found.json()["status"] == {"completionStatus": 1}

    refused = api.get(f"api/v1/learner/{ULN}/VanDijk/ST0071")
    assert refused.status_code == 403
    assert refused.json()["message"] == "ULN, FamilyName and Standard not found"


def test_a_uln_starting_with_0_and_a_postcode_outside_the_pattern_are_refused(
    api: httpx.Client, service: StandIn
) -> None:
    item = certificate(learner__uln="0123456789", postalContact__postCode="W1P 1AA")
    answer = api.post("api/v1/certificate", json=[item]).json()

    assert answer == [
        {
            "requestId": "r1",
            "validationErrors": [
                "ULN should contain exactly 10 numbers",
                "Provide a valid UK postcode",
                "Learner details for ULN: 123456789 not found",
            ],
        }
    ]
    assert service.requests[-1].summary() == (
        "POST /api/v1/certificate -> 200 (1 items, 1 refused: r1: ULN should contain exactly 10 "
        "numbers; Provide a valid UK postcode; Learner details for ULN: 123456789 not found)"
    )


def test_a_second_create_answers_the_reference_of_the_first(api: httpx.Client) -> None:
    first = api.post("api/v1/certificate", json=[certificate()]).json()[0]
    reference = first["certificate"]["certificateData"]["certificateReference"]
    again = api.post("api/v1/certificate", json=[certificate("r2")]).json()[0]

    assert reference == "00010001"
    assert first["certificate"]["status"] == {"currentStatus": "Ready"}
    assert again == {
        "requestId": "r2",
        "validationErrors": [f"Certificate already exists: {reference}"],
    }


def test_the_epa_reference_is_the_certificate_reference(
    api: httpx.Client, service: StandIn
) -> None:
    epa_answer = api.post("api/v1/epa", json=[epa()]).json()
    reference = epa_answer[0]["epaReference"]
    assert epa_answer == [{"requestId": "e1", "epaReference": reference, "validationErrors": []}]
    # A passed EPA is a Draft certificate without a grade: there is no certificate to show yet.
    assert service.certificate(reference).status == "Draft"
    assert api.get(f"api/v1/certificate/{ULN}/Van%20Dijk/1").status_code == 204

    created = api.post("api/v1/certificate", json=[certificate()]).json()[0]

    assert created["certificate"]["certificateData"]["certificateReference"] == reference
    learner = api.get(f"api/v1/learner/{ULN}/Van%20Dijk/1").json()
    assert learner["epaDetails"] == {
        "epaReference": reference,
        "latestEpaDate": "2025-06-30T00:00:00",
        "latestEpaOutcome": "Pass",
        "epas": [{"epaDate": "2025-06-30T00:00:00", "epaOutcome": "Pass"}],
    }
    assert learner["certificate"]["status"] == {"currentStatus": "Ready"}
    assert learner["learnerData"]["learningDetails"]["version"] == "1.0"


def test_a_failed_epa_submits_a_fail_which_a_later_pass_replaces(
    api: httpx.Client, service: StandIn
) -> None:
    reference = api.post("api/v1/epa", json=[epa("fail", "2025-05-01")]).json()[0]["epaReference"]
    assert service.certificate(reference).status == "Submitted"
    assert service.certificate(reference).data.overall_grade == "Fail"
    assert api.post("api/v1/epa", json=[epa()]).json()[0]["validationErrors"] == [
        "EPA already provided for the learner"
    ]

    resit = {**epa(), "epaReference": reference}
    resit["epaDetails"]["epas"] = [
        {"epaDate": "2025-05-01T00:00:00", "epaOutcome": "Fail"},
        {"epaDate": "2025-06-30T00:00:00", "epaOutcome": "Pass", "resit": True, "retake": False},
    ]
    assert api.put("api/v1/epa", json=[resit]).json()[0]["epaReference"] == reference
    assert service.certificate(reference).status == "Draft"
    created = api.post("api/v1/certificate", json=[certificate()]).json()[0]
    assert created["validationErrors"] == []


def test_submit_then_printed_and_delivered(api: httpx.Client, service: StandIn) -> None:
    reference = api.post("api/v1/certificate", json=[certificate()]).json()[0]["certificate"][
        "certificateData"
    ]["certificateReference"]
    submit = {
        "requestId": "s1",
        "uln": int(ULN),
        "standardReference": "ST0071",
        "familyName": "van dijk",
        "certificateReference": reference,
    }

    submitted = api.post("api/v1/certificate/submit", json=[submit]).json()[0]
    again = api.post("api/v1/certificate/submit", json=[submit]).json()[0]

    assert submitted["certificate"]["status"] == {"currentStatus": "Submitted"}
    assert submitted["certificate"]["submitted"]["submittedBy"] == "API"
    assert again["validationErrors"] == ["Certificate has already been submitted"]

    service.advance(reference, "Printed", at=datetime(2025, 7, 10, 9, 30, 15, 500))
    printed = api.get(f"api/v1/certificate/{ULN}/Van%20Dijk/ST0071").json()
    assert printed["status"] == {"currentStatus": "Printed"}
    assert printed["printed"] == {"printedAt": "2025-07-10T09:30:15", "printedBatch": 1}
    assert printed["delivered"] == {"status": "WaitingForDelivery"}
    # The learner lookup says only that it was submitted.
    learner = api.get(f"api/v1/learner/{ULN}/Van%20Dijk/ST0071").json()
    assert learner["certificate"]["status"] == {"currentStatus": "Submitted"}

    service.advance(reference, "Delivered", at=datetime(2025, 7, 14, 12, 0))
    delivered = api.get(f"api/v1/certificate/{ULN}/Van%20Dijk/ST0071").json()
    assert delivered["delivered"] == {"status": "Delivered", "deliveryDate": "2025-07-14T12:00:00"}


def test_a_body_asp_net_cannot_bind_is_refused_whole(api: httpx.Client) -> None:
    invalid = (
        "Your request contains invalid input. Please ensure it matches the swagger definition "
        "and try again."
    )
    for body in ({"requestId": "not a list"}, [certificate(learner__uln="ten digits")]):
        response = api.post("api/v1/certificate", json=body)
        assert response.status_code == 403
        assert response.json() == {"statusCode": 403, "message": invalid}


def test_an_unknown_version_lets_later_items_of_the_request_skip_the_version_checks(
    api: httpx.Client, service: StandIn
) -> None:
    """The validators keep one flag per request (BatchCertificateRequestValidator.cs).

    An unknown version with both the code and the reference is also refused as a mismatch of
    the two: the code is looked up with the version, finds nothing, and nothing is not ST0072.
    """
    service.add_standard(2, "ST0072", ["1.0", "1.1"])
    service.approve(2, ["1.0"])
    service.add_learner(ULN, "Van Dijk", 2, "ST0072")
    standard = {"standardCode": 2, "standardReference": "ST0072"}
    unknown = {**certificate("r1", learningDetails__version="9.9"), "standard": standard}
    unapproved = {**certificate("r2", learningDetails__version="1.1"), "standard": standard}

    alone = api.post("api/v1/certificate", json=[unapproved]).json()
    after = api.post("api/v1/certificate", json=[unknown, unapproved]).json()

    assert alone[0]["validationErrors"] == [
        "Your organisation is not approved to assess this Standard Version: 1.1"
    ]
    assert after[0]["validationErrors"] == [
        "StandardReference and StandardCode must be for the same Standard"
    ]
    assert after[1]["validationErrors"] == []
    assert after[1]["certificate"]["certificateData"]["learningDetails"]["version"] == "1.1"


def test_an_unknown_standard_without_a_version_fails_the_whole_request(
    api: httpx.Client, service: StandIn
) -> None:
    """GetCalculatedStandardVersionForApprenticeshipHandler reads the LARS code of nothing."""
    unknown = certificate("r2", learningDetails__version=None)
    unknown["standard"] = {"standardReference": "ST9999"}

    response = api.post("api/v1/certificate", json=[certificate("r1"), unknown])

    assert response.status_code == 500
    assert response.content == b""
    assert len(service.certificates()) == 1  # the items before it were handled


def test_the_demo_server_says_what_it_serves(service: StandIn) -> None:
    from tests.standin.__main__ import describe

    text = describe(service, "127.0.0.1", 8089)

    assert "http://127.0.0.1:8089/" in text
    assert f"subscription key (Ocp-Apim-Subscription-Key): {service.key}" in text
    assert "standard ST0071 (LARS 1): versions 1.0, 1.1; approved 1.0, 1.1" in text
    assert "1 learners held" in text


def test_fail_next_answers_without_doing_anything_and_the_log_keeps_it(
    api: httpx.Client, service: StandIn
) -> None:
    service.fail_next(status=429, retry_after=30)

    busy = api.post("api/v1/certificate", json=[certificate()])
    done = api.post("api/v1/certificate", json=[certificate()])

    assert busy.status_code == 429
    assert busy.headers["Retry-After"] == "30"
    assert done.status_code == 200
    assert [(r.method, r.path, r.status) for r in service.requests] == [
        ("POST", "/api/v1/certificate", 429),
        ("POST", "/api/v1/certificate", 200),
    ]
    assert service.requests[0].body[0]["requestId"] == "r1"
    assert service.requests[0].headers[KEY_HEADER] == service.key
    assert len(service.certificates()) == 1


def test_add_learner_for_a_registration(
    assessment_service: StandIn, make_registration: Any, settings: Any
) -> None:
    from openepa.accounts.models import StandardAtService

    # Without the EPAO's code the stand-in files the learner under a code of its own.
    other = make_registration("st0072-activeiq", given_names="Ben", family_name="Ng")
    own = assessment_service.add_learner_for(other)
    assert own.std_code == 9000 + int(other.standard[2:])

    registration = make_registration(given_names="Anna", family_name="Van Dijk")
    StandardAtService.objects.create(
        epao=registration.epao, reference=registration.standard, lars_code=71
    )
    learner = assessment_service.add_learner_for(registration, family_name="VanDijk")

    assert (learner.uln, learner.std_code, learner.version) == (
        int(registration.apprentice.uln),
        71,
        registration.version,
    )
    assert (learner.given_names, learner.family_name) == ("Anna", "VanDijk")
    path = f"api/v1/learner/{registration.apprentice.uln}/VanDijk/{registration.standard}"
    answer = httpx.get(
        settings.ASSESSMENT_SERVICE_URL + path,
        headers={KEY_HEADER: assessment_service.key},
    )
    assert answer.status_code == 200
    assert answer.json()["learnerData"]["standard"]["standardCode"] == 71
