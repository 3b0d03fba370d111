"""Sending what is due: once, in batches of 25, retried when the service is unavailable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from tests.assessment_service.conftest import FakeService, Held

from openepa.accounts.models import User
from openepa.assessment_service import services
from openepa.assessment_service.claiming import claim_due, stale_after
from openepa.assessment_service.sending import send_due
from openepa.assessment_service.tasks import send_to_service
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceExchange, ServiceItem
from openepa.results.models import Result

State = ServiceItem.State


@pytest.fixture
def due_epa(
    make_registration: Callable[..., Registration], make_result: Callable[..., Result]
) -> Callable[..., ServiceItem]:
    """A registration with a released result and its EPA record due."""

    def make(grade: str = "pass", **fields: Any) -> ServiceItem:
        registration = make_registration(**fields)
        make_result(registration, grade)
        item = services.keep_epa_record(registration)
        assert item is not None
        return item

    return make


def _fresh(item: ServiceItem) -> ServiceItem:
    item.refresh_from_db()
    return item


def test_an_epa_record_is_created_once_and_not_sent_again(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa()
    first = send_due()
    assert [line.reference for line in first.sent] == ["00010001"]
    item = _fresh(item)
    assert (item.state, item.reference) == (State.SENT, "00010001")
    assert item.sent_hash == item.payload_hash
    exchange = ServiceExchange.objects.get(item=item)
    assert (exchange.action, exchange.outcome, exchange.http_status) == ("create", "accepted", 200)
    assert exchange.request["requestId"] == f"openepa-{item.pk}-1"
    second = send_due()
    assert (second.sent, second.requests) == ([], 0)
    assert len(service.batches("POST", "/api/v1/epa")) == 1


def test_26_items_go_in_two_requests_of_25_and_1_with_unique_request_ids(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    for _ in range(26):
        due_epa()
    summary = send_due()
    sizes = [len(batch) for batch in service.batches("POST", "/api/v1/epa")]
    assert sizes == [25, 1]
    ids = [entry["requestId"] for batch in service.batches() for entry in batch]
    assert len(ids) == len(set(ids)) == 26
    assert len(summary.sent) == 26
    assert not ServiceItem.objects.exclude(state=State.SENT).exists()


def test_after_a_500_the_next_run_resends_that_batch_and_only_that_batch(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    items = [due_epa() for _ in range(26)]
    service.fail_next(500, path="/api/v1/epa")
    first = send_due()
    assert len(first.unsent) == 25
    assert len(first.sent) == 1
    failed = ServiceItem.objects.filter(state=State.WAITING)
    assert failed.count() == 25
    waiting = failed.first()
    assert waiting is not None
    assert waiting.attempts == 1
    assert "500" in waiting.last_error
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at > clock.now()
    assert ServiceExchange.objects.filter(outcome="unavailable", http_status=500).count() == 25
    service.requests.clear()
    second = send_due(honour_backoff=False)
    assert [len(batch) for batch in service.batches()] == [25]
    assert {entry["requestId"] for entry in service.batches()[0]} == {
        f"openepa-{item.pk}-1" for item in items[:25]
    }
    assert len(second.sent) == 25
    assert not ServiceItem.objects.exclude(state=State.SENT).exists()
    assert _fresh(items[0]).attempts == 0


def test_the_task_respects_retry_after_and_sync_ignores_it(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa()
    service.fail_next(429, headers={"Retry-After": "3600"})
    send_due()
    item = _fresh(item)
    assert item.state == State.WAITING
    assert item.next_attempt_at is not None
    assert item.next_attempt_at >= clock.now() + timedelta(minutes=59)
    service.requests.clear()
    send_to_service.enqueue()  # the task honours the delay: nothing sent
    assert service.requests == []
    summary = send_due(honour_backoff=False)  # the sync command does not wait
    assert len(summary.sent) == 1
    assert _fresh(item).state == State.SENT


def test_a_refusal_is_kept_and_not_resent_until_the_payload_changes(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    make_result(registration, "fail")
    item = services.keep_epa_record(registration)
    assert item is not None
    service.refuse[registration.apprentice.uln] = ["ULN, FamilyName and Standard not found"]
    summary = send_due()
    assert [line.messages for line in summary.refused] == [
        ("ULN, FamilyName and Standard not found",)
    ]
    item = _fresh(item)
    assert item.state == State.REFUSED
    assert item.messages == ["ULN, FamilyName and Standard not found"]
    assert item.refused_hash == item.payload_hash
    assert send_due().requests == 0
    services.keep_epa_record(registration)  # the same payload again: still refused
    assert _fresh(item).state == State.REFUSED
    del service.refuse[registration.apprentice.uln]
    make_result(registration, "pass", kind="resit")
    services.keep_epa_record(registration)
    assert _fresh(item).state == State.WAITING
    assert len(send_due().sent) == 1
    assert _fresh(item).state == State.SENT


def test_an_epa_already_at_the_service_is_looked_up_and_updated(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa("fail")
    uln = item.registration.apprentice.uln
    service.held[uln] = Held("00099999")
    send_due()
    item = _fresh(item)
    assert (item.state, item.reference) == (State.SENT, "00099999")
    assert [verb for verb, _, _ in service.requests] == ["POST", "GET", "PUT"]
    assert service.held[uln].epas == item.payload["epaDetails"]["epas"]
    actions = list(ServiceExchange.objects.filter(item=item).values_list("action", "outcome"))
    assert actions == [("create", "refused"), ("lookup", "accepted"), ("update", "accepted")]


def test_a_certificate_already_created_is_adopted_and_updated(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    service.held[claim.uln] = Held("00077777", grade="Pass", status="Ready")
    summary = send_due()
    item = _fresh(item)
    assert (item.state, item.reference) == (State.SENT, "00077777")
    assert [(line.action, line.reference) for line in summary.sent] == [("update", "00077777")]
    assert [path for _, path, _ in service.requests] == ["/api/v1/certificate"] * 2
    assert service.batches("PUT")[0][0]["certificateReference"] == "00077777"


def test_a_ready_claim_is_created_then_submitted_and_followed(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
    alice: User,
) -> None:
    from openepa.assessment_service.certificates import follow_certificates

    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    send_due()
    item = _fresh(item)
    assert (item.state, item.service_status) == (State.SENT, "Ready")
    services.request_submit([claim], alice)
    item = _fresh(item)
    assert (item.state, item.submit_requested_by) == (State.WAITING, alice)
    summary = send_due()
    assert [line.action for line in summary.sent] == ["submit"]
    item = _fresh(item)
    assert item.state == State.SUBMITTED
    assert item.submitted_at is not None
    claim.refresh_from_db()
    assert claim.status == CertificateClaim.Status.SUBMITTED
    assert send_due().requests == 0
    held = service.held[claim.uln]
    held.status, held.printed_at, held.delivered = "Delivered", "2026-11-30T10:00:00", "Delivered"
    followed = follow_certificates()
    assert [line.status for line in followed] == ["Delivered"]
    item = _fresh(item)
    assert (item.service_status, item.delivery_status) == ("Delivered", "Delivered")
    assert item.printed_at is not None
    claim.refresh_from_db()
    assert claim.status == CertificateClaim.Status.DELIVERED
    assert follow_certificates() == []  # a delivered certificate is not asked about again


def test_create_and_submit_go_in_one_run_in_the_services_order(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
    make_result: Callable[..., Result],
    alice: User,
) -> None:
    registration = make_registration()
    claim = make_claim(registration)
    services.keep_epa_record(registration)
    services.keep_certificate(claim)
    services.request_submit([claim], alice)
    summary = send_due()
    assert [(verb, path) for verb, path, _ in service.requests] == [
        ("POST", "/api/v1/epa"),
        ("POST", "/api/v1/certificate"),
        ("POST", "/api/v1/certificate/submit"),
    ]
    assert [line.action for line in summary.sent] == ["create", "create", "submit"]
    certificate = ServiceItem.objects.get(kind="certificate")
    assert certificate.state == State.SUBMITTED


def test_a_refused_submit_waits_until_asked_again(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
    alice: User,
) -> None:
    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    send_due()
    service.held[claim.uln].status = "Submitted"  # submitted elsewhere meanwhile
    services.request_submit([claim], alice)
    summary = send_due()
    assert summary.refused[0].messages == ("Certificate has already been submitted",)
    assert _fresh(item).state == State.REFUSED
    assert send_due().requests == 0
    service.held[claim.uln].status = "Ready"
    services.request_submit([claim], alice)
    assert len(send_due().sent) == 1
    assert _fresh(item).state == State.SUBMITTED


def test_a_claim_in_draft_is_held_until_ready_again(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    claim = make_claim(make_registration())
    item = services.keep_certificate(claim)
    CertificateClaim.objects.filter(pk=claim.pk).update(status=CertificateClaim.Status.DRAFT)
    services.hold_certificate(claim)
    assert send_due().requests == 0
    item = _fresh(item)
    assert item.state == State.HELD
    assert item.held_reason.startswith("the claim changed")
    CertificateClaim.objects.filter(pk=claim.pk).update(status=CertificateClaim.Status.READY)
    services.keep_certificate(claim)
    assert _fresh(item).held_reason == ""
    assert _fresh(item).state == State.WAITING
    assert len(send_due().sent) == 1


def test_an_item_left_sending_by_a_stopped_worker_is_sent_again(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa()
    ServiceItem.objects.filter(pk=item.pk).update(
        state=State.SENDING, batch="lost", sending_since=clock.now() - timedelta(seconds=10)
    )
    assert send_due(honour_backoff=False).requests == 0  # a live worker may still be at it
    ServiceItem.objects.filter(pk=item.pk).update(
        sending_since=clock.now() - stale_after() - timedelta(seconds=1)
    )
    summary = send_due()
    assert len(summary.sent) == 1
    assert _fresh(item).state == State.SENT


def test_a_create_whose_answer_was_lost_is_never_made_twice(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa()
    send_due()
    reference = _fresh(item).reference
    # The worker stopped after the service took the create but before recording its answer.
    ServiceItem.objects.filter(pk=item.pk).update(
        state=State.SENDING,
        reference="",
        sent_hash="",
        sending_since=clock.now() - stale_after() - timedelta(minutes=1),
    )
    send_due()
    item = _fresh(item)
    assert (item.state, item.reference) == (State.SENT, reference)
    assert len(service.held) == 1


def test_a_bad_key_is_a_configuration_problem_and_everything_waits(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa()
    service.fail_next(401, body='{"statusCode": 401, "message": "Access denied"}')
    summary = send_due()
    assert summary.problems
    assert "ASSESSMENT_SERVICE_KEY" in summary.problems[0]
    item = _fresh(item)
    assert item.state == State.WAITING
    assert "ASSESSMENT_SERVICE_KEY" in item.last_error
    assert ServiceExchange.objects.get(item=item).outcome == "refused whole"


def test_nothing_is_sent_when_the_service_is_not_configured(
    due_epa: Callable[..., ServiceItem],
) -> None:
    item = due_epa()
    summary = send_due()
    assert not summary.configured
    assert not summary.complete
    assert send_to_service.call() == {"configured": False}
    assert _fresh(item).state == State.WAITING


def test_two_workers_never_take_the_same_item(
    service: FakeService, due_epa: Callable[..., ServiceItem]
) -> None:
    item = due_epa()
    taken = claim_due("first-worker", honour_backoff=True, limit=None)
    assert [due.pk for due in taken] == [item.pk]
    assert send_due(honour_backoff=False).requests == 0  # the second worker finds nothing
    assert _fresh(item).batch == "first-worker"
