"""notify() and send_notification: rendered once, sent once, retried, never lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from openepa.accounts.models import User
from openepa.notifications import services, tasks
from openepa.notifications.kinds import KINDS, REMINDER_KINDS
from openepa.notifications.models import Notification, NotificationPreference
from openepa.notifications.services import Attachment, notify
from openepa.registration.models import Registration
from tests.notifications.conftest import emails_to

Capture = Callable[..., Any]


@pytest.fixture
def registration(make_registration: Callable[..., Registration], pat: User) -> Registration:
    return make_registration(apprentice_user=pat, given_names="Pat", family_name="Apprentice")


def remind(registration: Registration, users: list[User], key: str = "r1") -> list[Notification]:
    return notify(
        users=users,
        kind="reminder_window_ending",
        key=key,
        registration=registration,
        context={
            "deadline": registration.on_programme_end_date,
            "what": "every assessment method must be completed",
            "rule": "The EPA window is 3 months from the gateway.",
        },
    )


def test_every_kind_has_its_templates(registration: Registration, pat: User) -> None:
    for kind in KINDS:
        text = services.render(kind, {"registration": registration, "user": pat, "site_url": ""})
        assert text.subject.strip(), kind
        assert "Pat Apprentice" in text.body, kind


def test_notifying_twice_with_one_key_sends_one_email(
    registration: Registration, pat: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = remind(registration, [pat])
        second = remind(registration, [pat, pat])
    assert len(first) == 1
    assert second == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@learner.example"]
    assert "every assessment method must be completed by Thursday 30 April 2026" in message.body
    assert "The EPA window is 3 months from the gateway." in message.body
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert notification.body == message.body
    assert notification.subject == message.subject


def test_a_turned_off_reminder_is_not_made_but_decisions_always_go(
    registration: Registration,
    pat: User,
    erin: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    services.set_reminders(pat, [k for k in REMINDER_KINDS if k != "reminder_window_ending"])
    with django_capture_on_commit_callbacks(execute=True):
        remind(registration, [pat, erin])
        notify(
            users=[pat],
            kind="registration_confirmed",
            key="decision",
            registration=registration,
            context={"link": "x"},
        )
    assert [m.subject for m in emails_to("pat@learner.example")] == [
        "Pat Apprentice is registered for end-point assessment"
    ]
    assert len(emails_to("erin@bright.example")) == 1
    assert not Notification.objects.filter(user=pat, kind="reminder_window_ending").exists()


def test_inactive_people_and_people_without_an_address_get_nothing(
    registration: Registration, pat: User, erin: User
) -> None:
    User.objects.filter(pk=erin.pk).update(is_active=False)
    erin.refresh_from_db()
    pat.email = ""
    assert remind(registration, [pat, erin, None]) == []  # type: ignore[list-item]
    assert not Notification.objects.exists()


def test_an_unknown_kind_is_a_programming_error(pat: User) -> None:
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(users=[pat], kind="nonsense", key="k", context={})


def test_sending_twice_sends_one_email(
    registration: Registration, pat: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = remind(registration, [pat])
    assert tasks.send_notification.call(notification.pk) == "sent"
    tasks.send_notification.enqueue(notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


class FailsOnce(EmailBackend):
    """The test outbox, whose first send fails as an SMTP server might."""

    failures = 1

    def send_messages(self, messages: Any) -> int:
        if FailsOnce.failures > 0:
            FailsOnce.failures -= 1
            raise ConnectionRefusedError("Connection refused by smtp.example")
        return super().send_messages(messages)


def test_a_failed_send_is_retried_and_then_sent(
    registration: Registration,
    pat: User,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FailsOnce"
    FailsOnce.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = remind(registration, [pat])
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 2)
    assert notification.last_error == ""
    assert len(mail.outbox) == 1


def test_after_every_attempt_fails_it_is_marked_not_delivered_and_shown(
    registration: Registration,
    pat: User,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
    login: Callable[[User], Any],
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_services.FailsOnce"
    settings.EMAIL_ATTEMPTS = 3
    FailsOnce.failures = 10
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = remind(registration, [pat])
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 3)
    assert "Connection refused by smtp.example" in notification.last_error
    assert mail.outbox == []
    # Sending it again later does nothing; the person sees it was not delivered.
    assert tasks.send_notification.call(notification.pk) == "failed"
    page = login(pat).get(f"/messages/{notification.pk}/").content.decode()
    assert "Not delivered" in page
    assert "could not be delivered after 3 attempts" in page
    # An admin may try again once the mail server is back.
    FailsOnce.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_failed() == 1
    notification.refresh_from_db()
    assert notification.status == "sent"
    assert len(mail.outbox) == 1


def test_the_retry_waits_longer_each_time() -> None:
    assert [tasks.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [5, 10, 20, 40]


def test_attachments_are_kept_and_sent(
    registration: Registration, pat: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify(
            users=[pat],
            kind="documents_ready",
            key="docs",
            registration=registration,
            context={"what": "Your documents are ready"},
            attachments=[Attachment("a.pdf", b"%PDF-1.4 x", "application/pdf")],
        )
    (stored,) = notification.attachments.all()
    assert (stored.filename, bytes(stored.content)) == ("a.pdf", b"%PDF-1.4 x")
    assert mail.outbox[0].attachments == [("a.pdf", b"%PDF-1.4 x", "application/pdf")]


def test_reminder_settings_are_kept_per_kind(pat: User) -> None:
    assert services.wanted_reminders(pat) == list(REMINDER_KINDS)
    changes = services.set_reminders(pat, ["reminder_results_due"])
    assert set(changes) == set(REMINDER_KINDS) - {"reminder_results_due"}
    assert services.wanted_reminders(pat) == ["reminder_results_due"]
    assert services.set_reminders(pat, ["reminder_results_due"]) == {}
    services.set_reminders(pat, REMINDER_KINDS)
    assert services.wanted_reminders(pat) == list(REMINDER_KINDS)
    assert NotificationPreference.objects.filter(user=pat, wants=False).count() == 0
