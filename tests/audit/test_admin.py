"""The audit trail in Django's admin: the superuser's own EPAO only, and never changed."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from openepa.accounts.models import Organisation, User
from openepa.audit.services import record_event

LIST = "/django-admin/audit/auditevent/"


def test_another_epaos_audit_trail_is_not_listed(
    login: Callable[[User], Client], sam: User, mallory: User, other_epao: Organisation
) -> None:
    record_event(actor=sam, epao=sam.epao, action="test.ours", obj=sam, summary="Ours happened")
    theirs = record_event(
        actor=mallory, epao=other_epao, action="test.theirs", obj=mallory, summary="Theirs happened"
    )
    client = login(sam)
    page = client.get(LIST).content.decode()
    assert "Ours happened" in page
    assert "Theirs happened" not in page
    assert client.get(f"{LIST}{theirs.pk}/change/").status_code == 302


def test_an_audit_event_cannot_be_added_changed_or_deleted(
    login: Callable[[User], Client], sam: User
) -> None:
    event = record_event(actor=sam, epao=sam.epao, action="test.ours", obj=sam, summary="Kept")
    client = login(sam)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{event.pk}/change/", {"summary": "Gone"}).status_code == 403
    assert client.post(f"{LIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(LIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    event.refresh_from_db()
    assert event.summary == "Kept"
