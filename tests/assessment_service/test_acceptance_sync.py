"""Acceptance: ``openepa manage assessment_service sync`` against the independent stand-in.

Issue 12, Acceptance: with ASSESSMENT_SERVICE_URL pointing at a local implementation of the
service written from its source independently of OpenEPA (tests/standin), the sync sends every
due EPA record and certificate in requests of at most 25 items that the service's validators
accept; running it a second time sends nothing new; after the service answers 500 once, the
next sync resends that batch and only that batch.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from django.core.management import call_command
from tests.assessment_service.acceptance import (
    LARS_CODES,
    RELEASED,
    WITHDRAWN,
    Cohort,
    MakeRegistration,
    assess_and_release,
    batches_sent,
    build_cohort,
    claim_of,
    due_items,
    make_ready,
    refused_answers,
    resit,
    set_lars_codes,
)
from tests.epa import accept, policy_without_sampling
from tests.standin.model import DRAFT, FAIL, PASS, SUBMITTED
from tests.standin.service import StandIn

from openepa.accounts.models import User
from openepa.claims.models import CertificateClaim
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem

State = ServiceItem.State


def _held(standin: StandIn, registration: Registration) -> Any:
    """The certificate row (EPA record and certificate) the stand-in holds for a learner."""
    code = LARS_CODES[registration.standard]
    certificate = standin.state.certificate(int(registration.apprentice.uln), code)
    assert certificate is not None, f"the stand-in holds nothing for {registration}"
    return certificate


def _epas(certificate: Any) -> list[tuple[datetime, str, bool | None]]:
    return [(epa.epa_date, epa.epa_outcome, epa.resit) for epa in certificate.data.epa_details.epas]


def _midnight(day: Any) -> datetime:
    return datetime(day.year, day.month, day.day)


@pytest.fixture
def cohort(
    assessment_service: StandIn, make_registration: MakeRegistration, anna: User, alice: User
) -> Cohort:
    """50 items due: 28 EPA records (passes, fails, resits, withdrawals) and 22 certificates."""
    return build_cohort(
        assessment_service,
        make_registration,
        anna,
        alice,
        passes=20,
        fails=4,
        resits=2,
        withdrawals_after_fail=1,
        withdrawals_after_gateway=1,
    )


def test_sync_sends_everything_due_in_batches_of_25_that_the_service_accepts(
    assessment_service: StandIn, cohort: Cohort, capsys: pytest.CaptureFixture[str]
) -> None:
    due = due_items()
    kinds = Counter(item.kind for item in due)
    assert kinds == {ServiceItem.Kind.EPA: 28, ServiceItem.Kind.CERTIFICATE: 22}
    assert len({registration.specification.spec_id for registration in cohort.everyone}) == 5

    call_command("assessment_service", "sync")
    out = capsys.readouterr().out

    sent = batches_sent(assessment_service)
    assert [(r.method, r.path, len(r.body)) for r in sent] == [
        ("POST", "/api/v1/epa", 25),
        ("POST", "/api/v1/epa", 3),
        ("POST", "/api/v1/certificate", 22),
    ]
    for request in sent:
        assert request.status == 200
        assert len(request.body) <= 25
        ids = [item["requestId"] for item in request.body]
        assert len(set(ids)) == len(ids)
        assert refused_answers(request) == []
        assert [answer["requestId"] for answer in request.answer] == ids
    assert "50 sent, 0 refused, 0 held, 0 not sent, in 3 requests." in out
    assert not ServiceItem.objects.exclude(state=State.SENT).exists()

    for registration in cohort.with_claims:
        claim = claim_of(registration)
        held = _held(assessment_service, registration)
        item = ServiceItem.objects.get(registration=registration, kind=ServiceItem.Kind.CERTIFICATE)
        assert held.reference == item.reference == claim.certificate_reference
        assert held.status == DRAFT  # created, to be submitted by an EPAO admin
        assert held.data.overall_grade == claim.overall_grade
        assert _midnight(claim.achievement_date) == held.data.achievement_date
        assert held.data.learner_family_name == registration.apprentice.family_name
        assert (held.data.contact_post_code, held.data.contact_organisation) == (
            "LS1 1AA",
            "Bright Retail",
        )
        assert held.data.epa_details.latest_epa_outcome == PASS
    grades = Counter(claim_of(r).overall_grade for r in cohort.passed)
    assert grades == {"Distinction": 10, "Pass": 10}

    for registration in cohort.passed:
        epas = _epas(_held(assessment_service, registration))
        # One pass, dated by its achievement date: creating the certificate adds no second.
        assert epas == [(_midnight(claim_of(registration).achievement_date), PASS, None)]
    for registration in cohort.failed:
        held = _held(assessment_service, registration)
        assert _epas(held) == [(_midnight(RELEASED.replace(day=15)), FAIL, None)]
        assert (held.status, held.data.overall_grade) == (SUBMITTED, FAIL)
    for registration in cohort.resat:
        epas = _epas(_held(assessment_service, registration))
        # The resit's pass is dated by its achievement date: the certificate adds no third.
        assert epas == [
            (_midnight(RELEASED.replace(day=15)), FAIL, None),
            (_midnight(claim_of(registration).achievement_date), PASS, True),
        ]
    after_fail, after_gateway = cohort.withdrawn
    assert _epas(_held(assessment_service, after_fail)) == [
        (_midnight(RELEASED.replace(day=15)), FAIL, None),
        (_midnight(WITHDRAWN), "Withdrawn", False),
    ]
    assert _epas(_held(assessment_service, after_gateway)) == [
        (_midnight(WITHDRAWN), "Withdrawn", None)
    ]

    for registration in cohort.with_claims:
        claim = claim_of(registration)
        assert claim.status == CertificateClaim.Status.READY  # to be submitted by an admin

    # A second run sends nothing new: only the look-ups of submitted certificates (none).
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    out = capsys.readouterr().out
    assert batches_sent(assessment_service) == []
    assert assessment_service.requests == []
    assert "Nothing was due: everything is already at the service." in out
    assert "0 sent, 0 refused, 0 held, 0 not sent, in 0 requests." in out


def test_a_resit_after_a_fail_already_sent_updates_the_record_then_the_certificate_follows(
    assessment_service: StandIn,
    make_registration: MakeRegistration,
    anna: User,
    alice: User,
) -> None:
    set_lars_codes(alice.epao, alice)
    policy_without_sampling(alice.epao)
    registration = accept(make_registration(family_name="Nakamura"), anna)
    assessment_service.add_learner_for(registration)
    assess_and_release(registration, anna, alice, failing=["observation"])
    call_command("assessment_service", "sync")
    [created] = batches_sent(assessment_service)
    assert (created.method, created.body[0]["epaDetails"]["epas"]) == (
        "POST",
        [{"epaDate": "2026-09-15T00:00:00", "epaOutcome": "Fail"}],
    )
    reference = created.answer[0]["epaReference"]

    resit(registration, anna, alice, ["observation"])
    make_ready(registration, alice)
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    update, certificate = batches_sent(assessment_service)
    assert (update.method, update.path) == ("PUT", "/api/v1/epa")
    assert update.body[0]["epaReference"] == reference
    assert update.body[0]["epaDetails"]["epas"] == [
        {"epaDate": "2026-09-15T00:00:00", "epaOutcome": "Fail"},
        {
            "epaDate": f"{claim_of(registration).achievement_date}T00:00:00",
            "epaOutcome": "Pass",
            "resit": True,
            "retake": False,
        },
    ]
    assert (certificate.method, certificate.path) == ("POST", "/api/v1/certificate")
    assert refused_answers(update) == refused_answers(certificate) == []
    held = assessment_service.certificate(reference)
    assert held.data.overall_grade == claim_of(registration).overall_grade == "Pass"
    assert _epas(held) == [
        (_midnight(RELEASED.replace(day=15)), FAIL, None),
        (_midnight(claim_of(registration).achievement_date), PASS, True),
    ]
    assert claim_of(registration).certificate_reference == reference
