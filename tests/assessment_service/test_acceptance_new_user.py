"""Acceptance, tried as a new user would, through the pages, against the independent stand-in.

Issue 12, Acceptance: a claim with "Van Dijk" held by the service as "Van Dijk" is ready, and
"VanDijk" is flagged before sending; a ULN starting with 0 and postcode "W1P 1AA" are refused
with the service's messages (here in every form where a person types them: registering,
correcting the details, changing the claim).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pytest
from django.core.management import call_command
from django.test import Client
from tests.assessment_service.acceptance import (
    MakeRegistration,
    assess_and_release,
    batches_sent,
    claim_form,
    claim_of,
    consent,
    correction_form,
    registration_form,
    set_lars_codes,
)
from tests.epa import accept, policy_without_sampling
from tests.standin.service import StandIn

from openepa.accounts.models import Organisation, User
from openepa.claims.models import CertificateClaim
from openepa.registration.models import LearnerCheck, Registration
from openepa.registration.service_models import ServiceItem
from openepa.specifications.models import SpecificationRecord

ULN_MESSAGE = "ULN should contain exactly 10 numbers"
POSTCODE_MESSAGE = "Provide a valid UK postcode"
NOT_FOUND = "ULN, FamilyName and Standard not found"


@pytest.fixture
def van_dijk(
    assessment_service: StandIn, make_registration: MakeRegistration, anna: User, alice: User
) -> Callable[[str], Registration]:
    """An apprentice registered in OpenEPA as ``family_name``, whom the ILR holds as "Van Dijk"."""
    set_lars_codes(alice.epao, alice)
    policy_without_sampling(alice.epao)

    def make(family_name: str) -> Registration:
        registration = accept(
            make_registration(given_names="Pieter", family_name=family_name), anna
        )
        assessment_service.add_learner_for(registration, family_name="Van Dijk")
        assess_and_release(registration, anna, alice)
        consent(registration, alice)
        return registration

    return make


def _check_again(client: Client, registration: Registration) -> LearnerCheck:
    """The admin presses "Check again" on the apprentice's page; the sync asks the service."""
    response = client.post(f"/apprentices/{registration.pk}/check-again/")
    assert response.status_code == 302
    call_command("assessment_service", "sync")
    return LearnerCheck.objects.get(registration=registration, current=True)


def _mark_ready(client: Client, claim: CertificateClaim) -> str:
    """The admin marks the claim ready on its page; the page shown after."""
    response = client.post(
        f"/claims/{claim.pk}/status/",
        {"target": "ready", "revision": str(claim.revision), "reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_van_dijk_held_as_van_dijk_is_ready_and_the_service_takes_the_certificate(
    assessment_service: StandIn,
    van_dijk: Callable[[str], Registration],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    registration = van_dijk("Van Dijk")
    client = login(alice)
    check = _check_again(client, registration)
    assert check.outcome == LearnerCheck.Outcome.MATCHED
    page = client.get(f"/apprentices/{registration.pk}/").content.decode()
    assert "Van Dijk" in page

    claim = claim_of(registration)
    page = _mark_ready(client, claim)
    assert "was marked ready" in page
    claim.refresh_from_db()
    assert claim.status == CertificateClaim.Status.READY

    call_command("assessment_service", "sync")
    # The look-up's sync sent the EPA record; this one the certificate: both taken.
    epa, certificate = batches_sent(assessment_service)
    assert (epa.path, certificate.path) == ("/api/v1/epa", "/api/v1/certificate")
    assert [a["validationErrors"] for a in epa.answer + certificate.answer] == [[], []]
    assert certificate.body[0]["learner"]["familyName"] == "Van Dijk"
    claim.refresh_from_db()
    held = assessment_service.certificate(claim.certificate_reference)
    assert held.data.learner_family_name == "Van Dijk"
    assert held.data.overall_grade == claim.overall_grade


def test_vandijk_is_flagged_before_any_certificate_is_sent(
    assessment_service: StandIn,
    van_dijk: Callable[[str], Registration],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    registration = van_dijk("VanDijk")
    client = login(alice)
    check = _check_again(client, registration)
    assert check.outcome == LearnerCheck.Outcome.NOT_FOUND
    assert NOT_FOUND in check.message
    page = client.get(f"/apprentices/{registration.pk}/").content.decode()
    assert escape("“Van Dijk” is not “VanDijk”") in page
    listed = client.get("/apprentices/learner-checks/").content.decode()
    assert "VanDijk" in listed
    assert "Not found at the service" in listed

    claim = claim_of(registration)
    page = _mark_ready(client, claim)
    assert "The claim cannot be marked ready yet" in page
    assert escape("The service's latest look-up found no learner") in page
    claim.refresh_from_db()
    assert claim.status == CertificateClaim.Status.DRAFT
    assert not ServiceItem.objects.filter(kind=ServiceItem.Kind.CERTIFICATE).exists()

    # The EPA record the release made due is refused by the service, with its message.
    call_command("assessment_service", "sync")
    assert [r.path for r in batches_sent(assessment_service)] == ["/api/v1/epa"]
    assert assessment_service.certificates() == []


# --- a ULN starting with 0 and the postcode "W1P 1AA", where a person types them -------------


def _refused_with(html: str, *messages: str) -> None:
    """The page is the form again with an error summary holding each message."""
    assert "There is a problem" in html
    for message in messages:
        assert escape(message) in html


def test_the_registration_form_refuses_them_with_the_services_messages(
    assessment_service: StandIn,
    specs: dict[str, SpecificationRecord],
    employer: Organisation,
    bob: User,
    login: Callable[[User], Client],
) -> None:
    data = registration_form(specs, employer, uln="0123456789", postcode="W1P 1AA")
    response = login(bob).post("/apprentices/register/", data)
    assert response.status_code == 200
    _refused_with(response.content.decode(), ULN_MESSAGE, POSTCODE_MESSAGE)
    assert not Registration.objects.exists()


def test_the_correction_form_refuses_them_with_the_services_messages(
    assessment_service: StandIn,
    make_registration: MakeRegistration,
    alice: User,
    login: Callable[[User], Client],
) -> None:
    registration = make_registration(family_name="Taylor")
    data = correction_form(registration, uln="0123456789", postcode="W1P 1AA")
    response = login(alice).post(f"/apprentices/{registration.pk}/correct/", data)
    assert response.status_code == 200
    _refused_with(response.content.decode(), ULN_MESSAGE, POSTCODE_MESSAGE)
    registration.refresh_from_db()
    assert registration.postcode == "LS1 1AA"


def test_the_claim_form_refuses_them_with_the_services_messages(
    assessment_service: StandIn,
    van_dijk: Callable[[str], Registration],
    alice: User,
    login: Callable[[User], Client],
) -> None:
    claim = claim_of(van_dijk("Van Dijk"))
    data = claim_form(claim, uln="0123456789", postcode="W1P 1AA")
    response = login(alice).post(f"/claims/{claim.pk}/change/", data)
    assert response.status_code == 200
    _refused_with(response.content.decode(), ULN_MESSAGE, POSTCODE_MESSAGE)
    claim.refresh_from_db()
    assert (claim.uln, claim.postcode) == (claim.registration.apprentice.uln, "LS1 1AA")
