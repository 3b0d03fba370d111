"""Alice reads the invitations she sent and sends a new link when one expired."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from openepa.accounts.models import Invitation, Organisation, User
from openepa.audit.models import AuditEvent
from openepa.people import services


def test_alice_sees_waiting_expired_and_accepted_invitations(
    login: Callable[[User], Client], alice: User, provider: Organisation, mallory: User
) -> None:
    services.invite(actor=alice, email="w@x.example", full_name="Wendy", role="iqa")
    expired, _ = services.invite(actor=alice, email="e@x.example", full_name="Ed", role="iqa")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    _, token = services.invite(actor=alice, email="a@x.example", full_name="Amy", role="assessor")
    services.accept_invitation(
        token=token, full_name="Amy", password="a long and unusual passphrase"
    )
    services.invite(actor=mallory, email="m@x.example", full_name="Mallory's friend", role="iqa")
    html = login(alice).get("/people/invitations/").content.decode()
    assert "Waiting" in html
    assert "Expired" in html
    assert "Accepted" in html
    assert "Mallory&#x27;s friend" not in html
    assert "3 invitations" in html


def test_alice_sends_a_new_link_for_an_expired_invitation(
    login: Callable[[User], Client], alice: User
) -> None:
    invitation, _ = services.invite(actor=alice, email="e@x.example", full_name="Ed", role="iqa")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client = login(alice)
    response = client.post(f"/people/invitations/{invitation.pk}/renew/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert mail.outbox[-1].to == ["e@x.example"]
    assert AuditEvent.objects.filter(
        action="invitation.renewed", object_id=str(invitation.pk)
    ).exists()


def test_an_accepted_invitation_cannot_be_renewed(
    login: Callable[[User], Client], alice: User
) -> None:
    invitation, token = services.invite(
        actor=alice, email="a@x.example", full_name="Amy", role="iqa"
    )
    services.accept_invitation(
        token=token, full_name="Amy", password="a long and unusual passphrase"
    )
    client = login(alice)
    response = client.post(f"/people/invitations/{invitation.pk}/renew/", follow=True)
    assert "already accepted" in response.content.decode()


def test_mallory_cannot_renew_alices_invitation(
    login: Callable[[User], Client], alice: User, mallory: User
) -> None:
    invitation, _ = services.invite(actor=alice, email="e@x.example", full_name="Ed", role="iqa")
    response = login(mallory).post(f"/people/invitations/{invitation.pk}/renew/")
    assert response.status_code == 404


def test_renewing_needs_a_post(login: Callable[[User], Client], alice: User) -> None:
    invitation, _ = services.invite(actor=alice, email="e@x.example", full_name="Ed", role="iqa")
    assert login(alice).get(f"/people/invitations/{invitation.pk}/renew/").status_code == 405
