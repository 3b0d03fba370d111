"""The tasks: sending enqueued when an item becomes due and by the daily sweep; retries later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tests.assessment_service.conftest import FakeService

from openepa.accounts.models import User
from openepa.assessment_service import services
from openepa.assessment_service.sending import send_due
from openepa.assessment_service.tasks import follow_certificates, next_try, send_to_service
from openepa.kernel import clock, events
from openepa.registration.models import Registration
from openepa.registration.service_models import ServiceItem
from openepa.results.events import ResultReleased
from openepa.results.models import Result
from openepa.sweep.services import run_sweep


def test_a_released_result_is_sent_once_its_transaction_commits(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    registration = make_registration()
    result = make_result(registration, "fail")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.publish(ResultReleased(result, alice))
    assert service.requests == []  # nothing leaves inside the transaction
    assert send_to_service.enqueue in callbacks
    for callback in callbacks:
        callback()
    item = ServiceItem.objects.get(registration=registration)
    assert item.state == ServiceItem.State.SENT
    assert len(service.batches("POST", "/api/v1/epa")) == 1


def test_nothing_is_enqueued_when_the_service_is_not_configured(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    registration = make_registration()
    result = make_result(registration)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish(ResultReleased(result, alice))
    assert send_to_service.enqueue not in callbacks
    assert ServiceItem.objects.get(registration=registration).state == ServiceItem.State.WAITING
    assert follow_certificates.call() == {"configured": False}


def test_the_daily_sweep_sends_what_is_due(
    service: FakeService,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    registration = make_registration()
    make_result(registration)
    services.keep_epa_record(registration)
    run_sweep(date(2026, 12, 2))
    assert ServiceItem.objects.get(registration=registration).state == ServiceItem.State.SENT


def test_the_daily_sweep_without_the_service_does_not_fail(
    make_registration: Callable[..., Registration], make_result: Callable[..., Result]
) -> None:
    registration = make_registration()
    make_result(registration)
    services.keep_epa_record(registration)
    assert not run_sweep(date(2026, 12, 2)).skipped
    assert ServiceItem.objects.get(registration=registration).state == ServiceItem.State.WAITING


def test_the_next_try_is_the_earliest_within_the_attempts(
    service: FakeService,
    settings: Any,
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
) -> None:
    for _ in range(2):
        registration = make_registration()
        make_result(registration)
        services.keep_epa_record(registration)
    service.fail_next(500)
    send_due()
    first = ServiceItem.objects.order_by("pk").first()
    assert first is not None
    assert next_try() == first.next_attempt_at
    assert first.next_attempt_at is not None
    assert first.next_attempt_at <= clock.now() + timedelta(minutes=5)
    settings.ASSESSMENT_SERVICE_ATTEMPTS = 1  # every item has had its tries: the sweep's now
    assert next_try() is None
