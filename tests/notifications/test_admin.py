"""Notifications in Django's admin: the superuser's own EPAO only, and the history kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openepa.accounts.models import User
from openepa.notifications.models import Notification

LIST = "/django-admin/notifications/notification/"


def notify(user: User, subject: str) -> Notification:
    return Notification.objects.create(
        user=user,
        kind="registration_confirmed",
        key=f"test:{subject}",
        subject=subject,
        body="Hello",
        to_email=user.email,
    )


@pytest.fixture
def ours(bob: User) -> Notification:
    return notify(bob, "Registration confirmed for Bob")


@pytest.fixture
def theirs(mallory: User) -> Notification:
    return notify(mallory, "Registration confirmed for Mallory")


def test_another_epaos_notifications_are_not_listed(
    login: Callable[[User], Client], sam: User, ours: Notification, theirs: Notification
) -> None:
    client = login(sam)
    page = client.get(LIST).content.decode()
    assert ours.subject in page
    assert theirs.subject not in page
    assert client.get(f"{LIST}{theirs.pk}/change/").status_code == 302
    assert client.get(f"{LIST}{ours.pk}/change/").status_code == 200


def test_a_notification_cannot_be_deleted_or_changed(
    login: Callable[[User], Client], sam: User, ours: Notification
) -> None:
    client = login(sam)
    assert client.post(f"{LIST}{ours.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{LIST}{ours.pk}/change/", {"subject": "Changed"}).status_code == 403
    assert client.get(f"{LIST}add/").status_code == 403
    client.post(LIST, {"action": "delete_selected", "_selected_action": [ours.pk], "post": "yes"})
    ours.refresh_from_db()
    assert ours.subject == "Registration confirmed for Bob"
