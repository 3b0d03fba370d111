"""Acceptance: a failure of the service and a refusal, against the independent stand-in.

Issue 12, Acceptance: after the service answers 500 once, the next sync resends that batch and
only that batch; an item refused with a validation message is shown with that message and not
resent until it changes (here: until the EPAO corrects the details the service refused).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from tests.assessment_service.acceptance import (
    LARS_CODES,
    Cohort,
    MakeRegistration,
    assess_and_release,
    batches_sent,
    build_cohort,
    claim_form,
    claim_of,
    correction_form,
    make_ready,
    refused_answers,
    set_lars_codes,
)
from tests.epa import accept, policy_without_sampling
from tests.standin.service import LoggedRequest, StandIn

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.claims import services as claims
from openepa.registration.corrections import correct_details
from openepa.registration.learner_checks import run_due_checks
from openepa.registration.service_models import ServiceItem

State = ServiceItem.State
Kind = ServiceItem.Kind
NOT_FOUND = "ULN, FamilyName and Standard not found."


def _sync_failing(capsys: pytest.CaptureFixture[str]) -> str:
    """Run sync when the service fails: it exits 1 saying what was not sent; its output."""
    with pytest.raises(CommandError, match="could not be sent or checked"):
        call_command("assessment_service", "sync")
    return capsys.readouterr().out


def _fail_request(standin: StandIn, number: int, status: int = 500) -> None:
    """Make the stand-in answer its ``number``-th request (from 1) with ``status``, once."""
    if number == 1:
        standin.fail_next(status)
        return
    seen = len(standin.requests)

    def arm(entry: LoggedRequest) -> None:
        if len(standin.requests) == seen + number - 1:
            standin.fail_next(status)
            standin.on_request = None

    standin.on_request = arm


@pytest.fixture
def small(
    assessment_service: StandIn, make_registration: MakeRegistration, anna: User, alice: User
) -> Cohort:
    """Three passes with ready claims and two fails: 5 EPA records and 3 certificates due."""
    return build_cohort(
        assessment_service, make_registration, anna, alice, passes=3, fails=2, resits=0
    )


def test_after_a_500_the_next_sync_resends_that_batch_and_only_that_batch(
    assessment_service: StandIn, small: Cohort, capsys: pytest.CaptureFixture[str]
) -> None:
    _fail_request(assessment_service, 2)  # the certificates' batch, after the EPA records'
    out = _sync_failing(capsys)
    first = batches_sent(assessment_service)
    assert [(r.method, r.path, r.status, len(r.body)) for r in first] == [
        ("POST", "/api/v1/epa", 200, 5),
        ("POST", "/api/v1/certificate", 500, 3),
    ]
    assert "Not sent (3), to be sent again later:" in out
    assert "creating the certificate failed: The service answered 500" in out
    certificates = ServiceItem.objects.filter(kind=Kind.CERTIFICATE)
    assert {item.state for item in certificates} == {State.WAITING}
    assert all(item.attempts == 1 and item.next_attempt_at for item in certificates)
    # The EPA records only: a Draft without a grade for a pass, a Submitted Fail for a fail.
    held = assessment_service.certificates()
    assert sorted(c.data.overall_grade or "" for c in held) == ["", "", "", "Fail", "Fail"]

    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    [again] = batches_sent(assessment_service)
    assert (again.method, again.path, again.status) == ("POST", "/api/v1/certificate", 200)
    assert again.body == first[1].body  # the same items, the same requestIds
    assert refused_answers(again) == []
    assert not ServiceItem.objects.exclude(state=State.SENT).exists()
    for registration in small.passed:
        assert claim_of(registration).certificate_reference

    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    assert assessment_service.requests == []


def test_after_a_500_on_the_epa_records_their_certificates_wait_and_follow(
    assessment_service: StandIn, small: Cohort, capsys: pytest.CaptureFixture[str]
) -> None:
    _fail_request(assessment_service, 1)
    out = _sync_failing(capsys)
    [failed] = batches_sent(assessment_service)
    assert (failed.path, failed.status, len(failed.body)) == ("/api/v1/epa", 500, 5)
    assert "Waiting for the apprentice's EPA record to reach the service first" in out
    assert assessment_service.certificates() == []

    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    epa, certificates = batches_sent(assessment_service)
    assert epa.body == failed.body  # that batch again, unchanged
    assert (certificates.path, len(certificates.body)) == ("/api/v1/certificate", 3)
    assert refused_answers(epa) == refused_answers(certificates) == []
    assert len(assessment_service.certificates()) == 5


# --- a refusal: shown with the service's message, not resent until it changes ----------------


def test_an_epa_record_refused_is_shown_with_the_message_and_sent_once_corrected(
    assessment_service: StandIn,
    make_registration: MakeRegistration,
    anna: User,
    alice: User,
    login: Callable[[User], Client],
) -> None:
    set_lars_codes(alice.epao, alice)
    policy_without_sampling(alice.epao)
    # OpenEPA has "Smyth"; the provider's ILR, which the service holds, has "Smith".
    registration = accept(make_registration(family_name="Smyth", given_names="Jo"), anna)
    assessment_service.add_learner_for(registration, family_name="Smith")
    assess_and_release(registration, anna, alice, failing=["observation"])

    call_command("assessment_service", "sync")
    [request] = batches_sent(assessment_service)
    assert [answer["validationErrors"] for answer in request.answer] == [[NOT_FOUND]]
    item = ServiceItem.objects.get(registration=registration, kind=Kind.EPA)
    assert (item.state, item.messages) == (State.REFUSED, [NOT_FOUND])

    client = login(alice)
    refused = client.get("/assessment-service/refused/").content.decode()
    assert "Jo Smyth" in refused
    assert f"“{NOT_FOUND}”" in refused
    assert f"/apprentices/{registration.pk}/correct/" in refused  # "Correct the details"
    assert "Send again" not in refused  # put right in OpenEPA, it goes again by itself
    page = client.get(f"/apprentices/{registration.pk}/").content.decode()
    assert "Refused by the service" in page
    assert f"“{NOT_FOUND}”" in page

    # Not resent while unchanged, however often sync runs.
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    call_command("assessment_service", "sync")
    assert batches_sent(assessment_service) == []

    # Corrected as a person would, on the correction form: sent, and accepted.
    registration.refresh_from_db()
    response = client.post(
        f"/apprentices/{registration.pk}/correct/",
        correction_form(registration, family_name="Smith"),
    )
    assert response.status_code == 302, response.content.decode()
    call_command("assessment_service", "sync")
    [request] = batches_sent(assessment_service)
    assert request.body[0]["learner"]["familyName"] == "Smith"
    assert refused_answers(request) == []
    item.refresh_from_db()
    assert item.state == State.SENT
    held = assessment_service.certificate(item.reference)
    assert [epa.epa_outcome for epa in held.data.epa_details.epas] == ["Fail"]
    refused = client.get("/assessment-service/refused/").content.decode()
    assert "Nothing was refused." in refused


def test_a_certificate_refused_is_shown_on_the_claim_and_sent_once_corrected(
    assessment_service: StandIn,
    make_registration: MakeRegistration,
    anna: User,
    alice: User,
    login: Callable[[User], Client],
) -> None:
    set_lars_codes(alice.epao, alice)
    policy_without_sampling(alice.epao)
    registration = accept(
        make_registration("st0072-excelme", family_name="Okafor-Smith", given_names="Ade"), anna
    )
    assessment_service.add_learner_for(registration, family_name="Okafor-Smith")
    assess_and_release(registration, anna, alice)
    claim = make_ready(registration, alice)  # the look-up matched "Okafor-Smith"
    # The provider then corrects the ILR: the service now holds "Okafor" (after the look-up).
    assessment_service.add_learner_for(registration, family_name="Okafor")

    call_command("assessment_service", "sync")
    epa, certificate = batches_sent(assessment_service)
    assert [a["validationErrors"] for a in epa.answer + certificate.answer] == [
        [NOT_FOUND],
        [NOT_FOUND],
    ]
    item = ServiceItem.objects.get(registration=registration, kind=Kind.CERTIFICATE)
    assert (item.state, item.messages) == (State.REFUSED, [NOT_FOUND])

    client = login(alice)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Refused by the service" in page
    assert NOT_FOUND in page
    refused = client.get("/assessment-service/refused/").content.decode()
    assert refused.count(f"“{NOT_FOUND}”") == 2  # the EPA record and the certificate
    assert f"/claims/{claim.pk}/" in refused  # the certificate is put right on its claim

    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    assert batches_sent(assessment_service) == []

    # The registration and the claim are corrected as a person would, on their forms.
    registration.refresh_from_db()
    response = client.post(
        f"/apprentices/{registration.pk}/correct/",
        correction_form(registration, family_name="Okafor"),
    )
    assert response.status_code == 302, response.content.decode()
    claim.refresh_from_db()
    changed = claim_form(claim, family_name="Okafor")
    response = client.post(f"/claims/{claim.pk}/change/", changed)
    assert response.status_code == 302, response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "draft"
    run_due_checks()  # the look-up the correction asked for: it matches "Okafor"
    claims.mark_ready(claim, alice, revision=claim.revision)

    call_command("assessment_service", "sync")
    epa, certificate = batches_sent(assessment_service)
    assert (epa.path, certificate.path) == ("/api/v1/epa", "/api/v1/certificate")
    assert refused_answers(epa) == refused_answers(certificate) == []
    item.refresh_from_db()
    claim.refresh_from_db()
    assert item.state == State.SENT
    held = assessment_service.certificate(item.reference)
    assert held.data.learner_family_name == "Okafor"
    assert held.data.overall_grade == claim.overall_grade
    assert claim.certificate_reference == item.reference


WITHDRAWN_AT_SERVICE = "Cannot find the apprentice details"


def test_a_refusal_put_right_at_the_service_is_sent_again_when_the_admin_asks(
    assessment_service: StandIn,
    make_registration: MakeRegistration,
    anna: User,
    alice: User,
    bob: User,
    mallory: User,
    login: Callable[[User], Client],
) -> None:
    set_lars_codes(alice.epao, alice)
    policy_without_sampling(alice.epao)
    registration = accept(make_registration(family_name="Hughes", given_names="Rhys"), anna)
    assessment_service.add_learner_for(registration, completion_status=3)
    assess_and_release(registration, anna, alice, failing=["observation"])
    call_command("assessment_service", "sync")
    item = ServiceItem.objects.get(registration=registration, kind=Kind.EPA)
    assert (item.state, item.messages) == (State.REFUSED, [WITHDRAWN_AT_SERVICE])

    client = login(alice)
    refused = client.get("/assessment-service/refused/").content.decode()
    assert f"“{WITHDRAWN_AT_SERVICE}”" in refused
    assert "send again once it is corrected there" in refused
    url = f"/assessment-service/refused/{item.pk}/send-again/"
    assert f'action="{url}"' in refused

    # Only an EPAO admin of the apprentice's EPAO; only a refused item as the page showed it.
    assert login(bob).post(url, {"revision": str(item.revision)}).status_code == 403
    assert login(mallory).post(url, {"revision": str(item.revision)}).status_code == 404
    client = login(alice)
    assert client.get(url).status_code == 405
    page = client.post(url, {"revision": str(item.revision + 1)}, follow=True)
    assert "no longer refused as it was" in page.content.decode()
    item.refresh_from_db()
    assert item.state == State.REFUSED

    # The provider corrects the ILR; the admin sends the record again; the sync sends it.
    assessment_service.add_learner_for(registration, completion_status=1)
    assessment_service.requests.clear()
    page = client.post(url, {"revision": str(item.revision)}, follow=True)
    assert "will be sent again" in page.content.decode()
    item.refresh_from_db()
    assert item.state == State.WAITING
    event = AuditEvent.objects.get(action="assessment_service.send_again")
    assert (event.actor, event.registration_id) == (alice, registration.pk)
    assert event.reason == WITHDRAWN_AT_SERVICE
    call_command("assessment_service", "sync")
    [request] = batches_sent(assessment_service)
    assert refused_answers(request) == []
    item.refresh_from_db()
    assert item.state == State.SENT
    assert client.post(url, {"revision": str(item.revision)}).status_code == 404


INVALID_VERSION = "Invalid version for Standard"


def test_a_version_the_service_does_not_know_is_shown_and_sent_again_once_it_does(
    assessment_service: StandIn,
    make_registration: MakeRegistration,
    anna: User,
    alice: User,
    login: Callable[[User], Client],
) -> None:
    set_lars_codes(alice.epao, alice)
    policy_without_sampling(alice.epao)
    # The service knows versions 1.0 and 1.1 of ST0071; Highfield's specification is on 1.2.
    code = LARS_CODES["ST0071"]
    assessment_service.add_standard(code, "ST0071", ["1.0", "1.1"])
    assessment_service.approve(code)
    registration = accept(make_registration(family_name="Osei", given_names="Kofi"), anna)
    assert registration.version == "1.2"
    apprentice = registration.apprentice
    assessment_service.add_learner(
        apprentice.uln, "Osei", code, "ST0071", given_names=apprentice.given_names
    )
    assess_and_release(registration, anna, alice, failing=["observation"])

    call_command("assessment_service", "sync")
    [request] = batches_sent(assessment_service)
    assert request.body[0]["learningDetails"]["version"] == "1.2"
    assert [answer["validationErrors"] for answer in request.answer] == [[INVALID_VERSION]]
    item = ServiceItem.objects.get(registration=registration, kind=Kind.EPA)
    assert (item.state, item.messages) == (State.REFUSED, [INVALID_VERSION])

    client = login(alice)
    refused = client.get("/assessment-service/refused/").content.decode()
    assert f"“{INVALID_VERSION}”" in refused
    assert "send again once it holds this one" in refused
    assert "/correct/" not in refused  # the version is not corrected in OpenEPA
    page = client.get(f"/apprentices/{registration.pk}/").content.decode()
    assert f"“{INVALID_VERSION}”" in page

    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    assert batches_sent(assessment_service) == []

    assessment_service.add_standard(code, "ST0071", ["1.2"])  # the service learns of 1.2
    assessment_service.approve(code, ["1.2"])
    response = client.post(
        f"/assessment-service/refused/{item.pk}/send-again/", {"revision": str(item.revision)}
    )
    assert response.status_code == 302
    call_command("assessment_service", "sync")
    [request] = batches_sent(assessment_service)
    assert refused_answers(request) == []
    item.refresh_from_db()
    assert item.state == State.SENT


def test_a_name_corrected_once_the_certificate_exists_sends_no_epa_record_it_would_refuse(
    assessment_service: StandIn, small: Cohort, alice: User
) -> None:
    call_command("assessment_service", "sync")
    registration = small.passed[0]
    registration.refresh_from_db()
    # The ILR and OpenEPA both corrected: the certificate, created, carries the EPA.
    assessment_service.add_learner_for(registration, family_name="Passer-Jones")
    correct_details(
        registration,
        alice,
        values={"family_name": "Passer-Jones"},
        reason="Married name",
        revision=registration.revision,
    )
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    assert batches_sent(assessment_service) == []
    item = ServiceItem.objects.get(registration=registration, kind=Kind.EPA)
    assert item.state == State.SENT
