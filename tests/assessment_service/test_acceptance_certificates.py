"""Acceptance: submitting certificates and following them through printing and delivery.

An EPAO admin submits ready claims (several at once from the claims list, one from its page);
the next sync submits them at the independent stand-in; as the service's print function moves
them on (``StandIn.advance``), each sync reads their status back and the claim follows the
service's names: Submitted, Printed, Delivered, shown on the claim's page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from tests.assessment_service.acceptance import (
    Cohort,
    MakeRegistration,
    batches_sent,
    build_cohort,
    claim_form,
    claim_of,
    refused_answers,
)
from tests.standin.model import DELIVERED, PRINTED, SUBMITTED
from tests.standin.service import StandIn

from openepa.accounts.models import User
from openepa.claims.models import CertificateClaim
from openepa.claims.services import mark_ready
from openepa.registration.service_models import ServiceItem

Status = CertificateClaim.Status


@pytest.fixture
def created(
    assessment_service: StandIn, make_registration: MakeRegistration, anna: User, alice: User
) -> Cohort:
    """Four passes whose certificates the service holds, ready to submit."""
    cohort = build_cohort(
        assessment_service, make_registration, anna, alice, passes=4, fails=0, resits=0
    )
    call_command("assessment_service", "sync")
    assert len(assessment_service.certificates()) == 4
    assessment_service.requests.clear()
    return cohort


def _status_on_page(client: Client, claim: CertificateClaim) -> str:
    return client.get(f"/claims/{claim.pk}/").content.decode()


def test_submitted_claims_are_submitted_then_followed_to_printed_and_delivered(
    assessment_service: StandIn,
    created: Cohort,
    alice: User,
    login: Callable[[User], Client],
) -> None:
    client = login(alice)
    claims = [claim_of(registration) for registration in created.passed]
    # One claim's address changes before it is submitted: it is updated at the service.
    last = claims[3]
    changed = claim_form(last, address_line_1="2 Park Row", city="Leeds", postcode="LS1 5HD")
    assert client.post(f"/claims/{last.pk}/change/", changed).status_code == 302
    last.refresh_from_db()
    mark_ready(last, alice, revision=last.revision)
    call_command("assessment_service", "sync")
    [update] = batches_sent(assessment_service)
    assert (update.method, update.path) == ("PUT", "/api/v1/certificate")
    assert update.body[0]["certificateReference"] == last.certificate_reference
    assert refused_answers(update) == []
    held = assessment_service.certificate(last.certificate_reference)
    assert (held.data.contact_add_line1, held.data.contact_post_code) == ("2 Park Row", "LS1 5HD")
    assessment_service.requests.clear()

    # Three at once from the list, one from its own page.
    response = client.post("/claims/submit/", {"claims": [str(c.pk) for c in claims[:3]]})
    assert response.status_code == 302
    last.refresh_from_db()
    response = client.post(f"/claims/{last.pk}/submit/", {"revision": str(last.revision)})
    assert response.status_code == 302
    assert assessment_service.requests == []  # nothing leaves before the sync

    call_command("assessment_service", "sync")
    [submit] = batches_sent(assessment_service)
    assert (submit.method, submit.path, len(submit.body)) == (
        "POST",
        "/api/v1/certificate/submit",
        4,
    )
    assert refused_answers(submit) == []
    ids = [item["requestId"] for item in submit.body]
    assert len(set(ids)) == 4
    for claim in claims:
        claim.refresh_from_db()
        assert assessment_service.certificate(claim.certificate_reference).status == SUBMITTED
        assert claim.status == Status.SUBMITTED
    item = ServiceItem.objects.get(registration=claims[0].registration_id, kind="certificate")
    assert item.state == ServiceItem.State.SUBMITTED

    first = claims[0]
    assessment_service.advance(first.certificate_reference, PRINTED)
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    assert batches_sent(assessment_service) == []  # only the look-ups of the four
    assert {r.method for r in assessment_service.requests} == {"GET"}
    first.refresh_from_db()
    assert first.status == Status.PRINTED
    assert "Printed" in _status_on_page(client, first)
    claims[1].refresh_from_db()
    assert claims[1].status == Status.SUBMITTED

    assessment_service.advance(first.certificate_reference, DELIVERED)
    call_command("assessment_service", "sync")
    first.refresh_from_db()
    assert first.status == Status.DELIVERED
    page = _status_on_page(client, first)
    assert "Delivered" in page
    assert "Submitted, printed and delivered" in page

    # A delivered certificate is not asked about again; the others still are.
    assessment_service.requests.clear()
    call_command("assessment_service", "sync")
    asked = [r.path for r in assessment_service.requests]
    assert len(asked) == 3
    assert all(path.startswith("/api/v1/certificate/") for path in asked)
    assert not any(first.uln in path for path in asked)
