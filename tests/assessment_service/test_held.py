"""Nothing reaches the service that OpenEPA would not send today: held items, and why.

A walk by a new user found a certificate created after the apprentice withdrew permission, a
submit that fired again after the claim went back to draft, a refused claim still offered as
ready, EPA records queued without a LARS code, and "waiting" shown for items never sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.assessment_service.conftest import FakeService

from openepa.accounts.models import StandardAtService, User
from openepa.assessment_service import services
from openepa.assessment_service.management.commands.assessment_service import report
from openepa.assessment_service.sending import send_due
from openepa.claims import exports
from openepa.claims import services as claims
from openepa.claims.models import CertificateClaim
from openepa.claims.standards import set_lars_code
from openepa.kernel import clock
from openepa.registration.models import CertificateConsent, Registration
from openepa.registration.service_items import admin_words, service_items_of
from openepa.registration.service_models import ServiceItem
from openepa.results.models import Result

State = ServiceItem.State


def _fresh(item: ServiceItem) -> ServiceItem:
    return ServiceItem.objects.get(pk=item.pk)


def _paths(service: FakeService) -> list[str]:
    return [f"{method} {path}" for method, path, _ in service.requests]


def test_a_certificate_is_held_not_sent_once_the_apprentice_withdraws_permission(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    CertificateConsent.objects.filter(registration_id=claim.registration_id).update(
        withdrawn_at=clock.now()
    )
    summary = send_due()
    assert summary.requests == 0
    assert service.requests == []
    item = _fresh(item)
    assert item.state == State.HELD
    assert item.held_reason.startswith("the claim fails its checks: ")
    assert [line.who for line in summary.held] == [f"{claim.full_name} (ULN {claim.uln})"]
    words = [shown.words for shown in service_items_of(claim.registration)]
    assert words[0].startswith("Held: the claim fails its checks: ")


def test_the_readiness_of_many_held_certificates_is_checked_in_a_flat_number_of_queries(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
    django_assert_max_num_queries: Any,
) -> None:
    def held_run() -> int:
        CertificateConsent.objects.update(withdrawn_at=clock.now())
        with django_assert_max_num_queries(30):
            return len(send_due().held)

    services.keep_certificate(make_claim(make_registration()))
    assert held_run() == 1
    for _ in range(6):
        services.keep_certificate(make_claim(make_registration()))
    assert held_run() == 7


def test_a_held_certificate_of_a_ready_claim_is_sent_once_permission_is_recorded_again(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    consent = CertificateConsent.objects.get(registration_id=claim.registration_id)
    CertificateConsent.objects.filter(pk=consent.pk).update(withdrawn_at=clock.now())
    send_due()
    assert _fresh(item).state == State.HELD
    CertificateConsent.objects.filter(pk=consent.pk).update(withdrawn_at=None)
    assert len(send_due().sent) == 1
    assert _fresh(item).state == State.SENT


def test_a_claim_back_in_draft_cancels_its_submit_and_marking_it_ready_does_not_submit(
    service: FakeService,
    alice: User,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    claims.submit_claims(alice, [claim])
    item = ServiceItem.objects.get(registration_id=claim.registration_id)
    assert item.submit_requested_at is not None
    claim.refresh_from_db()
    changes = claims.update_claim(
        claim, alice, revision=claim.revision, values={"city": "York"}, reason="Moved"
    )
    assert changes["submission"] == ("requested", "cancelled")
    assert claim.changes.filter(field="submission", new="cancelled").exists()
    item = _fresh(item)
    assert item.submit_requested_at is None
    assert item.state == State.HELD
    claims.mark_ready(claim, alice, revision=claim.revision)
    send_due()
    assert not any("submit" in path for path in _paths(service))
    assert _fresh(item).state == State.SENT


def test_a_refused_certificate_fails_a_check_until_the_claim_is_corrected(
    service: FakeService,
    alice: User,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    service.refuse[claim.uln] = ["Invalid postcode"]
    send_due()
    assert _fresh(item).state == State.REFUSED
    problems = claims.problems_of(claim)
    assert any("“Invalid postcode”" in problem and "Correct" in problem for problem in problems)
    _, failing, passing = exports.held_back(claims.ready_claims(alice))
    assert (failing, passing) == (1, 0)
    with pytest.raises(claims.ClaimRefused, match="Correct the claim"):
        claims.submit_claims(alice, [claim])
    del service.refuse[claim.uln]
    claim.refresh_from_db()
    claims.update_claim(
        claim, alice, revision=claim.revision, values={"postcode": "LS2 2BB"}, reason="Typo"
    )
    assert _fresh(item).state == State.HELD
    assert claims.problems_of(claim) == []
    claims.mark_ready(claim, alice, revision=claim.revision)
    assert _fresh(item).state == State.WAITING
    assert len(send_due().sent) == 1


def test_the_claims_list_and_page_flag_a_refused_claim(
    service: FakeService,
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    services.keep_certificate(claim)
    service.refuse[claim.uln] = ["Invalid postcode"]
    send_due()
    client = login(alice)
    listing = client.get(reverse("claims:list")).content.decode()
    assert "Refused by the service" in listing
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    top = page.index("The assessment service refused the certificate")
    assert top < page.index("Sending")


def test_an_epa_record_without_a_lars_code_names_its_standard_by_reference(
    service: FakeService,
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    # The service takes the reference alone; a code set later goes into a record not yet sent.
    registration = make_registration()
    StandardAtService.objects.filter(epao=registration.epao).delete()
    make_result(registration)
    item = services.keep_epa_record(registration)
    assert item is not None
    assert item.state == State.WAITING
    assert item.payload["standard"] == {
        "standardCode": None,
        "standardReference": registration.standard,
    }
    set_lars_code(
        registration.epao,
        alice,
        reference=registration.standard,
        lars_code=456,
        revision=0,
        reason="From the register",
    )
    item = _fresh(item)
    assert item.state == State.WAITING
    assert item.payload["standard"]["standardCode"] == 456
    assert len(send_due().sent) == 1


def test_a_new_lars_code_goes_into_the_records_not_yet_accepted(
    service: FakeService,
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    registration = make_registration()
    make_result(registration)
    item = services.keep_epa_record(registration)
    assert item is not None
    assert item.payload["standard"]["standardCode"] == 123
    row = StandardAtService.objects.get(epao=registration.epao, reference=registration.standard)
    set_lars_code(
        registration.epao,
        alice,
        reference=registration.standard,
        lars_code=124,
        revision=row.revision,
        reason="Corrected",
    )
    item = _fresh(item)
    assert item.payload["standard"]["standardCode"] == 124
    assert item.state == State.WAITING


def test_the_list_not_yet_sent_says_sending_is_not_configured_and_why_items_are_held(
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    waiting = make_registration()
    make_result(waiting)
    services.keep_epa_record(waiting)
    held = make_registration()
    make_result(held)
    item = services.keep_epa_record(held)
    assert item is not None
    ServiceItem.objects.filter(pk=item.pk).update(
        state=State.HELD, held_reason="the claim is in draft"
    )
    text = login(alice).get(reverse("assessment_service:waiting")).content.decode()
    assert "Not until sending is configured" in text
    assert "As soon as a worker is free" not in text
    assert "Held: the claim is in draft" in text
    assert "Once what holds it is put right" in text


def test_the_item_snippet_never_says_waiting_and_not_sent_yet_together(
    login: Callable[[User], Client],
    alice: User,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    registration = make_registration()
    make_result(registration)
    services.keep_epa_record(registration)
    text = login(alice).get(reverse("registration:detail", args=[registration.pk])).content
    page = text.decode()
    assert "Not sent yet." not in page
    assert "sending to the apprenticeship assessment service is not configured" in page


def test_sync_counts_held_items_with_their_reason(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    registration = make_registration()
    claim = make_claim(registration)
    services.keep_certificate(claim)
    ServiceItem.objects.filter(registration=registration, kind="epa").delete()
    CertificateClaim.objects.filter(pk=claim.pk).update(status=CertificateClaim.Status.DRAFT)
    lines = report(send_due(), [])
    assert "Held, not sent until put right (1):" in lines
    assert any("Certificate: Held: the claim" in line for line in lines)
    assert lines[-1].startswith("0 sent, 0 refused, 1 held, 0 not sent")


def test_a_connection_refused_is_shown_to_admins_in_words() -> None:
    raw = "The service could not be reached ([Errno 111] Connection refused)"
    assert admin_words(raw) == "the service could not be reached (connection refused)"
    assert admin_words("The service answered 503: Down") == "The service answered 503: Down"
