"""Every call of the assessment service client, against the stand-in of the service.

The stand-in (tests/standin) is transcribed from the service's source independently of
OpenEPA's rules and client, so these tests check the client, and the request builders of
openepa.rules.service_api, against the service's own behaviour.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from openepa.kernel.service_client import (
    AssessmentServiceClient,
    ServiceRefused,
    ServiceUnavailable,
    client,
    configured,
)
from openepa.rules.service import CertificateFields, EpaAttempt, EpaFields
from openepa.rules.service_api import certificate_request, epa_request, submit_request
from tests.standin.service import StandIn

ULN = "1234567890"
FIELDS = CertificateFields(
    uln=ULN,
    family_name="Van Dijk",
    standard_code=71,
    standard_reference="ST0071",
    version="1.1",
    course_option="",
    overall_grade="Distinction",
    achievement_date=date(2025, 6, 30),
    contact_name="Erin Employer",
    department="",
    organisation="Bright Retail",
    address_line_1="1 High Street",
    address_line_2="",
    address_line_3="",
    city="Leeds",
    postcode="LS1 1AA",
)
EPA = EpaFields(
    uln=ULN,
    family_name="Van Dijk",
    standard_code=71,
    standard_reference="ST0071",
    version="1.1",
    course_option="",
    epas=(EpaAttempt(date(2025, 6, 30), "Pass"),),
)


@pytest.fixture
def service(assessment_service: StandIn) -> StandIn:
    """ST0071 (LARS 71), versions 1.0 (with options) and 1.1, approved; Anna Van Dijk on 1.1."""
    assessment_service.add_standard(71, "ST0071", ["1.0", "1.1"], {"1.0": ["Retail", "Food"]})
    assessment_service.approve(71)
    assessment_service.add_standard(72, "ST0072", ["1.0"])
    assessment_service.add_learner(ULN, "Van Dijk", 71, "ST0071", given_names="Anna", version="1.1")
    return assessment_service


@pytest.fixture
def api(service: StandIn, settings: Any) -> Iterator[AssessmentServiceClient]:
    with AssessmentServiceClient(settings.ASSESSMENT_SERVICE_URL, service.key) as service_client:
        yield service_client


def fields(**changes: Any) -> CertificateFields:
    return dataclasses.replace(FIELDS, **changes)


def created_reference(api: AssessmentServiceClient, **changes: Any) -> str:
    answer = api.create_certificates([certificate_request(fields(**changes), "r1")])["r1"]
    assert answer.messages == ()
    return answer.reference


# --- learners -------------------------------------------------------------------------------


def test_get_learner_finds_a_family_name_with_a_space_escaped_in_the_path(
    api: AssessmentServiceClient, service: StandIn
) -> None:
    lookup = api.get_learner(ULN, "van dijk", "ST0071")

    assert service.requests[-1].raw_path == f"/api/v1/learner/{ULN}/van%20dijk/ST0071"
    assert lookup.message == ""
    assert lookup.learner is not None
    assert lookup.learner.held.family_name == "Van Dijk"
    assert lookup.learner.held.given_names == "Anna"
    assert lookup.learner.held.completion_status == 1
    assert lookup.learner.standard_code == 71
    assert lookup.learner.standard_reference == "ST0071"
    assert lookup.learner.certificate is None


def test_get_learner_gives_the_service_s_message_when_it_refuses(
    api: AssessmentServiceClient,
) -> None:
    assert api.get_learner(ULN, "VanDijk", 71).message == "ULN, FamilyName and Standard not found"
    assert api.get_learner("0123456789", "Van Dijk", 71).message == (
        "ULN should contain exactly 10 numbers"
    )


def test_get_learner_404(api: AssessmentServiceClient, service: StandIn) -> None:
    """The controller's NotFound (which the service's validators leave almost unreachable)."""
    service.fail_next(status=404)

    lookup = api.get_learner(ULN, "Van Dijk", 71)

    assert lookup.learner is None
    assert lookup.message == "The service holds no such learner"


def test_get_learner_holds_the_epa_and_the_certificate(api: AssessmentServiceClient) -> None:
    epa_reference = api.create_epas([epa_request(EPA, "e1")])["e1"].reference
    created_reference(api)

    learner = api.get_learner(ULN, "Van Dijk", "ST0071").learner

    assert learner is not None
    assert learner.epa_reference == epa_reference
    assert learner.latest_epa_outcome == "Pass"
    assert learner.held.version == "1.1"  # the certificate's, which the lookup shows
    assert learner.certificate is not None
    assert learner.certificate.reference == epa_reference
    assert learner.certificate.status == "Ready"


# --- certificates ---------------------------------------------------------------------------


def test_create_update_submit_and_follow_a_certificate(
    api: AssessmentServiceClient, service: StandIn
) -> None:
    created = api.create_certificates([certificate_request(FIELDS, "r1")])["r1"]
    assert created.accepted
    assert created.status == "Ready"
    reference = created.reference

    updated = api.update_certificates(
        [certificate_request(fields(overall_grade="Merit"), "r2", reference)]
    )["r2"]
    assert (updated.reference, updated.messages, updated.status) == (reference, (), "Ready")
    assert service.certificate(reference).data.overall_grade == "Merit"

    state = api.get_certificate(ULN, "Van Dijk", 71)
    assert state is not None
    assert (state.reference, state.status) == (reference, "Ready")

    submitted = api.submit_certificates([submit_request(FIELDS, "s1", reference)])["s1"]
    assert (submitted.reference, submitted.status, submitted.messages) == (
        reference,
        "Submitted",
        (),
    )
    again = api.submit_certificates([submit_request(FIELDS, "s2", reference)])["s2"]
    assert again.messages == ("Certificate has already been submitted",)

    service.advance(reference, "Printed", at=datetime(2025, 7, 10, 9, 30))
    printed = api.get_certificate(ULN, "Van Dijk", "ST0071")
    assert printed is not None
    assert printed.status == "Printed"
    assert printed.printed_at == datetime(2025, 7, 10, 9, 30)
    assert printed.delivery_status == "WaitingForDelivery"
    assert printed.submitted_at is not None

    service.advance(reference, "Delivered", at=datetime(2025, 7, 14, 12, 0))
    delivered = api.get_certificate(ULN, "Van Dijk", "ST0071")
    assert delivered is not None
    assert (delivered.delivery_status, delivered.delivered_on) == (
        "Delivered",
        datetime(2025, 7, 14, 12, 0),
    )


def test_create_refuses_with_the_service_s_messages(api: AssessmentServiceClient) -> None:
    reference = created_reference(api)
    refused = api.create_certificates(
        [
            certificate_request(fields(postcode="W1P 1AA"), "bad-postcode"),
            certificate_request(FIELDS, "twice"),
        ]
    )

    assert refused["bad-postcode"].messages == (
        "Provide a valid UK postcode",
        f"Certificate already exists: {reference}",
    )
    assert refused["twice"].messages == (f"Certificate already exists: {reference}",)
    assert refused["twice"].reference == ""


def test_an_item_without_an_achievement_date_is_refused_alone(api: AssessmentServiceClient) -> None:
    """A null for the service's non-nullable DateTime would make it refuse the whole batch."""
    answers = api.create_certificates(
        [
            certificate_request(fields(achievement_date=None), "no-date"),
            certificate_request(FIELDS, "ok"),
        ]
    )

    assert answers["no-date"].messages == ("Achievement date cannot be before 01 01 2017",)
    assert answers["ok"].accepted


def test_get_certificate_is_none_until_one_is_requested(api: AssessmentServiceClient) -> None:
    assert api.get_certificate(ULN, "Van Dijk", 71) is None
    with pytest.raises(ServiceRefused) as refused:
        api.get_certificate(ULN, "VanDijk", 71)
    assert refused.value.status == 403
    assert refused.value.message == (
        "Cannot find apprentice with the specified Uln, FamilyName & Standard"
    )


def test_delete_certificate(api: AssessmentServiceClient, service: StandIn) -> None:
    reference = created_reference(api)

    api.delete_certificate(ULN, "Van Dijk", "ST0071", reference)

    assert service.certificate(reference).status == "Deleted"
    assert service.requests[-1].status == 204
    assert api.get_certificate(ULN, "Van Dijk", 71) is None
    with pytest.raises(ServiceRefused) as refused:
        api.delete_certificate(ULN, "Van Dijk", "ST0071", "00099999")
    assert (refused.value.status, refused.value.message) == (403, "Certificate not found")


def test_a_submitted_certificate_cannot_be_deleted(api: AssessmentServiceClient) -> None:
    reference = created_reference(api)
    api.submit_certificates([submit_request(FIELDS, "s1", reference)])

    with pytest.raises(ServiceRefused) as refused:
        api.delete_certificate(ULN, "Van Dijk", 71, reference)

    assert refused.value.message == "Cannot delete a submitted Certificate"


def test_grades(api: AssessmentServiceClient) -> None:
    assert api.grades() == [
        "Pass",
        "Credit",
        "Merit",
        "Distinction",
        "Pass with excellence",
        "Outstanding",
        "No grade awarded",
    ]


# --- EPA records ----------------------------------------------------------------------------


def test_create_update_and_delete_an_epa_record(
    api: AssessmentServiceClient, service: StandIn
) -> None:
    failed = dataclasses.replace(EPA, epas=(EpaAttempt(date(2025, 5, 1), "Fail"),))
    created = api.create_epas([epa_request(failed, "e1")])["e1"]
    assert created.accepted
    reference = created.reference
    assert service.certificate(reference).status == "Submitted"  # a Fail is submitted at once

    resat = dataclasses.replace(
        EPA,
        epas=(
            EpaAttempt(date(2025, 5, 1), "Fail"),
            EpaAttempt(date(2025, 6, 30), "Pass", resit=True),
        ),
    )
    updated = api.update_epas([epa_request(resat, "e2", reference)])["e2"]
    assert (updated.reference, updated.messages) == (reference, ())
    epas = service.certificate(reference).data.epa_details
    assert epas is not None
    assert [(e.epa_outcome, e.resit, e.retake) for e in epas.epas] == [
        ("Fail", None, None),
        ("Pass", True, False),
    ]

    api.delete_epa(ULN, "Van Dijk", "ST0071", reference)
    assert service.certificate(reference).status == "Deleted"
    with pytest.raises(ServiceRefused) as refused:
        api.delete_epa(ULN, "Van Dijk", "ST0071", "00099999")
    assert refused.value.message == "EPA not found"


def test_an_epa_record_is_refused_with_the_service_s_messages(api: AssessmentServiceClient) -> None:
    future = dataclasses.replace(EPA, epas=(EpaAttempt(date(2999, 1, 1), "Passed"),))

    answer = api.create_epas([epa_request(future, "e1")])["e1"]

    assert answer.messages == (
        "EPA Date cannot be in the future",
        "Invalid outcome: must be Pass, Fail or Withdrawn",
    )
    assert api.update_epas([epa_request(EPA, "e2", "00099999")])["e2"].messages == (
        "EPA not found",
    )


# --- standards ------------------------------------------------------------------------------


def test_course_options(api: AssessmentServiceClient) -> None:
    assert api.course_options("ST0071", "1.0") == ["Retail", "Food"]
    assert api.course_options(71, "1.1") == []  # 204: the version has no options
    with pytest.raises(ServiceRefused) as refused:
        api.course_options("ST0071", "9.9")
    assert refused.value.status == 404


# --- when the service cannot be used --------------------------------------------------------


def test_a_timeout_is_service_unavailable(service: StandIn, settings: Any) -> None:
    slow = AssessmentServiceClient(settings.ASSESSMENT_SERVICE_URL, service.key, timeout=0.2)
    service.delay_next(1.5)

    with slow, pytest.raises(ServiceUnavailable, match="did not answer in time"):
        slow.grades()


@pytest.mark.parametrize(
    ("status", "retry_after"), [(500, None), (503, None), (429, 30)], ids=["500", "503", "429"]
)
def test_5xx_and_429_are_service_unavailable_with_retry_after(
    api: AssessmentServiceClient, service: StandIn, status: int, retry_after: int | None
) -> None:
    service.fail_next(status=status, retry_after=retry_after)

    with pytest.raises(ServiceUnavailable) as unavailable:
        api.create_certificates([certificate_request(FIELDS, "r1")])

    assert unavailable.value.retry_after == retry_after
    assert service.certificates() == []
    assert api.create_certificates([certificate_request(FIELDS, "r1")])["r1"].accepted


def test_a_wrong_key_is_refused_with_401(service: StandIn, settings: Any) -> None:
    wrong = AssessmentServiceClient(settings.ASSESSMENT_SERVICE_URL, "wrong")
    with wrong, pytest.raises(ServiceRefused) as refused:
        wrong.grades()

    assert refused.value.status == 401
    assert refused.value.message.startswith("Access denied due to invalid subscription key")


def test_more_than_25_items_are_never_sent(api: AssessmentServiceClient, service: StandIn) -> None:
    items = [certificate_request(FIELDS, f"r{n}") for n in range(26)]

    with pytest.raises(ValueError, match="Batch limited to 25 requests"):
        api.create_certificates(items)
    with pytest.raises(ValueError, match="Batch limited to 25 requests"):
        api.create_epas([epa_request(EPA, f"e{n}") for n in range(26)])

    assert service.requests == []


def test_client_uses_the_settings(service: StandIn) -> None:
    assert configured()
    with client() as from_settings:
        assert "Pass" in from_settings.grades()
    assert service.requests[-1].headers["Ocp-Apim-Subscription-Key"] == service.key
