"""Workers never lose or hang on an email: timeouts, work left by a dead worker, sent once.

A worker killed while sending left its task "running" forever and the email "queued" with no
attempt, never retried; a stalled mail server held a worker without limit. Now sending has a
timeout, the sweep runs again what a stopped worker left, and an email that may have gone
out is never sent a second time.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.notifications import tasks
from openepa.notifications.models import Notification
from openepa.registration.models import Registration
from openepa.sweep import recovery

LONG_AGO = timedelta(hours=2)


@pytest.fixture
def registration(make_registration: Callable[..., Registration], pat: User) -> Registration:
    return make_registration(apprentice_user=pat, given_names="Pat", family_name="Apprentice")


def queued_reminder(registration: Registration, pat: User) -> Notification:
    """A reminder to Pat, stored and waiting: its task is made by each test as it needs."""
    return Notification.objects.create(
        user=pat,
        registration=registration,
        kind="reminder_window_ending",
        key="r1",
        subject="The EPA window ends soon",
        body="Every assessment method must be completed.\n",
        to_email=pat.email,
    )


def left_running(notification: Notification, started: Any = None) -> DBTaskResult[Any, Any]:
    """The task row of a worker killed while it ran ``send_notification``."""
    when = started or clock.now() - LONG_AGO
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status="RUNNING",
        task_path=tasks.send_notification.module_path,
        args_kwargs={"args": [notification.pk], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),  # enqueued to run at once
        started_at=when,
        worker_ids=["killed-worker"],
    )


def run_worker() -> None:
    """A database worker takes every ready task once, then stops."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="second-worker",
        excluded_queue_names=[],
    ).run()


# --- settings --------------------------------------------------------------------------------


def test_email_timeout_is_passed_to_the_smtp_backend(settings: Any) -> None:
    assert settings.EMAIL_TIMEOUT == 30
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert smtp.timeout == 30  # type: ignore[attr-defined]
    settings.EMAIL_TIMEOUT = 7
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == 7  # type: ignore[attr-defined]


def test_database_connections_are_checked_before_reuse(settings: Any) -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


# --- a stalled mail server -------------------------------------------------------------------


@pytest.fixture
def stalled_smtp_server() -> Iterator[int]:
    """A server on the loopback address that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for client in accepted:
        client.close()
    server.close()


@pytest.mark.django_db(transaction=True)  # the worker's thread has its own connection
def test_a_stalled_mail_server_does_not_hold_the_worker(
    registration: Registration, pat: User, settings: Any, stalled_smtp_server: int
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = stalled_smtp_server
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_ATTEMPTS = 2
    notification = queued_reminder(registration, pat)
    outcome: list[str] = []
    sender = threading.Thread(
        target=lambda: outcome.append(tasks.send_notification.call(notification.pk)), daemon=True
    )
    started = time.monotonic()
    sender.start()
    sender.join(30)
    assert not sender.is_alive(), "the worker waited on the mail server without limit"
    assert time.monotonic() - started < 15
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 2)
    assert "timed out" in notification.last_error


# --- sending outside any transaction, marked "sending" first ---------------------------------


class Recording(EmailBackend):
    """The test outbox, noting what the database said while each email was being sent."""

    seen: list[tuple[bool, str]] = []

    def send_messages(self, messages: Any) -> int:
        status = Notification.objects.values_list("status", flat=True).get()
        Recording.seen.append((connection.in_atomic_block, status))
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_an_email_is_marked_sending_and_sent_outside_any_transaction(
    registration: Registration, pat: User, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.Recording"
    Recording.seen = []
    notification = queued_reminder(registration, pat)
    assert tasks.send_notification.call(notification.pk) == "sent"
    assert Recording.seen == [(False, "sending")]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == tasks.message_id(notification)


# --- work left by a worker that stopped ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_worker_died_before_sending_is_sent_exactly_once_after_recovery(
    registration: Registration, pat: User
) -> None:
    notification = queued_reminder(registration, pat)
    row = left_running(notification)
    assert recovery.recover_stale_tasks() == (1, 0)
    row.refresh_from_db()
    assert row.status == "READY"
    run_worker()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["killed-worker", "second-worker"]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert [m.to for m in mail.outbox] == [[pat.email]]
    # The sweep again, and another worker: nothing more is sent.
    assert recovery.recover_stale_tasks() == (0, 0)
    run_worker()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_worker_died_after_the_mail_server_took_it_is_not_sent_twice(
    registration: Registration, pat: User, login: Callable[[User], Any]
) -> None:
    notification = queued_reminder(registration, pat)
    tasks.message_of(notification).send()  # the mail server took it; then the worker died
    Notification.objects.filter(pk=notification.pk).update(
        status="sending", attempts=1, sending_since=clock.now() - LONG_AGO
    )
    left_running(notification)
    assert recovery.recover_stale_tasks() == (1, 0)
    run_worker()
    assert len(mail.outbox) == 1  # delivered once, not again
    notification.refresh_from_db()
    assert notification.status == "uncertain"
    assert "may have been delivered" in notification.last_error
    page = login(pat).get(f"/messages/{notification.pk}/").content.decode()
    assert "Delivery not confirmed" in page


@pytest.mark.django_db
def test_an_email_being_sent_by_a_live_worker_is_left_to_it(
    registration: Registration, pat: User
) -> None:
    notification = queued_reminder(registration, pat)
    Notification.objects.filter(pk=notification.pk).update(
        status="sending", attempts=1, sending_since=clock.now() - timedelta(seconds=5)
    )
    assert tasks.send_notification.call(notification.pk) == "sending"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_task_whose_workers_keep_dying_is_given_up(
    registration: Registration, pat: User, settings: Any
) -> None:
    notification = queued_reminder(registration, pat)
    row = left_running(notification)
    row.worker_ids = ["first", "second", "third"]
    row.save()
    settings.TASK_ATTEMPTS = 3
    assert recovery.recover_stale_tasks() == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path == "openepa.sweep.recovery.WorkerLost"
    assert "stopped 3 times" in row.traceback


@pytest.mark.django_db
def test_a_task_running_for_less_than_the_limit_is_left_alone(
    registration: Registration, pat: User, settings: Any
) -> None:
    settings.TASK_STALE_MINUTES = 30
    row = left_running(queued_reminder(registration, pat), clock.now() - timedelta(minutes=10))
    assert recovery.recover_stale_tasks() == (0, 0)
    row.refresh_from_db()
    assert row.status == "RUNNING"


@pytest.mark.django_db
def test_an_email_whose_task_was_lost_is_enqueued_again_by_the_sweep(
    registration: Registration, pat: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The process stopped between the commit and enqueueing: no task row at all."""
    notification = queued_reminder(registration, pat)
    Notification.objects.filter(pk=notification.pk).update(created_at=clock.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep", "--enqueue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_command_runs_again_what_a_stopped_worker_left(
    registration: Registration, pat: User, capsys: pytest.CaptureFixture[str]
) -> None:
    row = left_running(queued_reminder(registration, pat))
    call_command("sweep", "--enqueue")
    row.refresh_from_db()
    assert row.status == "READY"
    assert "1 task left running by a stopped worker enqueued again" in capsys.readouterr().out
