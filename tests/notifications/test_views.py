"""Messages and reminder settings: each person sees only what was sent to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.notifications import services
from openepa.notifications.kinds import REMINDER_KINDS
from openepa.notifications.models import Notification
from openepa.notifications.services import Attachment, notify
from openepa.registration.models import Registration

Login = Callable[[User], Client]


@pytest.fixture
def registration(make_registration: Callable[..., Registration], pat: User) -> Registration:
    return make_registration(apprentice_user=pat, given_names="Pat", family_name="Apprentice")


def letter(registration: Registration, users: list[User], key: str = "l") -> list[Notification]:
    return notify(
        users=users,
        kind="documents_ready",
        key=key,
        registration=registration,
        context={"what": f"Your letter {key} is ready"},
        attachments=[Attachment("letter.pdf", b"%PDF-1.4 letter", "application/pdf")],
    )


def test_the_inbox_lists_only_my_messages_newest_first(
    registration: Registration, pat: User, erin: User, login: Login
) -> None:
    letter(registration, [pat, erin], "first")
    letter(registration, [erin], "erin-only")
    letter(registration, [pat], "second")
    page = login(pat).get(reverse("notifications:inbox")).content.decode()
    assert page.index("Your letter second is ready") < page.index("Your letter first is ready")
    assert "erin-only" not in page
    assert "2 messages" in page
    assert "Waiting to be sent" in page  # on_commit has not run in this test


def test_the_inbox_query_count_does_not_grow(
    registration: Registration, pat: User, login: Login
) -> None:
    client = login(pat)
    url = reverse("notifications:inbox")
    letter(registration, [pat], "one")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(30):
        letter(registration, [pat], f"more-{number}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "31 messages" in page
    assert page.count('class="govuk-table__row"') == 26  # the header and 25 messages
    assert "Next" in page


def test_a_message_shows_what_was_sent_and_its_attachment_downloads(
    registration: Registration, pat: User, login: Login
) -> None:
    (notification,) = letter(registration, [pat])
    client = login(pat)
    page = client.get(reverse("notifications:detail", args=[notification.pk])).content.decode()
    assert "Your letter l is ready" in page
    assert "pat@learner.example" in page
    attachment = notification.attachments.get()
    url = reverse("notifications:attachment", args=[notification.pk, attachment.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 letter"
    assert response["Content-Type"] == "application/pdf"
    assert "letter.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("person", ["erin", "alice", "mallory", "bob"])
def test_nobody_else_reads_my_message_or_its_attachment(
    registration: Registration, pat: User, login: Login, person: str, request: Any
) -> None:
    (notification,) = letter(registration, [pat])
    attachment = notification.attachments.get()
    client = login(request.getfixturevalue(person))
    assert client.get(reverse("notifications:detail", args=[notification.pk])).status_code == 404
    url = reverse("notifications:attachment", args=[notification.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_reminder_settings_turn_a_reminder_off_and_on(pat: User, login: Login) -> None:
    client = login(pat)
    url = reverse("notifications:settings")
    page = client.get(url).content.decode()
    assert page.count("checked") == len(REMINDER_KINDS)
    assert "Result released" in page  # listed as always sent
    keep = [k for k in REMINDER_KINDS if k != "reminder_submission_due"]
    response = client.post(url, {"reminders": keep}, follow=True)
    assert "Your reminder settings were saved" in response.content.decode()
    assert services.wanted_reminders(pat) == keep
    response = client.post(url, {"reminders": keep}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    client.post(url, {"reminders": list(REMINDER_KINDS)})
    assert services.wanted_reminders(pat) == list(REMINDER_KINDS)
    changes = [
        e.changes
        for e in AuditEvent.objects.filter(
            action="notifications.reminders_changed", actor=pat
        ).order_by("pk")
    ]
    assert changes == [
        {"Submission due": {"old": True, "new": False}},
        {"Submission due": {"old": False, "new": True}},
    ]


def test_a_decision_cannot_be_turned_off(pat: User, login: Login) -> None:
    response = login(pat).post(
        reverse("notifications:settings"), {"reminders": ["result_released"]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose only reminders from the list" in page
    assert services.wanted_reminders(pat) == list(REMINDER_KINDS)
