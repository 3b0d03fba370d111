"""Dan accepts the invitation Alice sent him: he sets his name and password, once, in time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from openepa.accounts.models import Invitation, Organisation, User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.people import services
from openepa.registration.models import Registration

NEW_PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def invitation_for_dan(alice: User, provider: Organisation) -> tuple[Invitation, str]:
    return services.invite(
        actor=alice,
        email="dan@acme.example",
        full_name="Dan Provider",
        role="provider",
        organisation=provider,
    )


def accept(client: Client, token: str, **fields: str) -> object:
    data = {"full_name": "Dan Provider", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(fields)
    return client.post(f"/invitation/{token}/", data)


def test_dan_sees_who_invited_him_and_as_what(
    client: Client, invitation_for_dan: tuple[Invitation, str]
) -> None:
    _, token = invitation_for_dan
    html = client.get(f"/invitation/{token}/").content.decode()
    assert "Create your account" in html
    assert "dan@acme.example" in html
    assert "training provider at Acme Training" in html
    assert 'value="Dan Provider"' in html


def test_dan_creates_his_account_and_is_signed_in(
    client: Client, invitation_for_dan: tuple[Invitation, str], provider: Organisation
) -> None:
    invitation, token = invitation_for_dan
    response = accept(client, token, full_name="Daniel Provider")
    assert response.status_code == 302
    assert response["Location"] == "/"
    dan = User.objects.get(email="dan@acme.example")
    assert (dan.full_name, dan.role, dan.organisation, dan.epao) == (
        "Daniel Provider",
        "provider",
        provider,
        invitation.epao,
    )
    assert dan.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(dan.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.user == dan
    event = AuditEvent.objects.get(action="user.created")
    assert event.actor == dan
    assert event.changes["full_name"] == {"old": "Dan Provider", "new": "Daniel Provider"}


def test_dan_can_then_sign_in_with_his_password(
    client: Client, invitation_for_dan: tuple[Invitation, str]
) -> None:
    _, token = invitation_for_dan
    accept(client, token)
    client.post("/sign-out/")
    response = client.post("/sign-in/", {"username": "dan@acme.example", "password": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("short1", "short1", "This password is too short. It must contain at least 10 characters."),
        ("password123", "password123", "This password is too common."),
        ("8204716395", "8204716395", "This password is entirely numeric."),
        ("dan@acme.example1", "dan@acme.example1", "The password is too similar to the email"),
        (NEW_PASSWORD, "something else entirely", "Enter the same password in both boxes"),
        ("", "", "Enter a password"),
    ],
)
def test_a_weak_or_mismatched_password_is_refused_with_the_reason(
    client: Client,
    invitation_for_dan: tuple[Invitation, str],
    password1: str,
    password2: str,
    message: str,
) -> None:
    _, token = invitation_for_dan
    response = accept(client, token, full_name="Dan P", password1=password1, password2=password2)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html.replace("&#x27;", "'")
    assert 'value="Dan P"' in html
    if password1:
        assert f'value="{password1}"' not in html  # passwords are never shown back
    assert not User.objects.filter(email="dan@acme.example").exists()


def test_the_link_works_only_once(
    client: Client, invitation_for_dan: tuple[Invitation, str]
) -> None:
    _, token = invitation_for_dan
    accept(client, token)
    client.post("/sign-out/")
    again = client.get(f"/invitation/{token}/")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    second = accept(client, token, full_name="Impostor")
    assert second.status_code == 410
    assert User.objects.filter(email="dan@acme.example").count() == 1
    assert User.objects.get(email="dan@acme.example").full_name == "Dan Provider"


def test_an_expired_invitation_is_refused(
    client: Client, invitation_for_dan: tuple[Invitation, str]
) -> None:
    invitation, token = invitation_for_dan
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = accept(client, token)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="dan@acme.example").exists()


def test_an_invitation_is_valid_until_14_days_have_passed(
    client: Client, alice: User, provider: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent_at = timezone.now()
    monkeypatch.setattr(clock, "now", lambda: sent_at)
    _, token = services.invite(
        actor=alice,
        email="dan@acme.example",
        full_name="Dan",
        role="provider",
        organisation=provider,
    )
    monkeypatch.setattr(clock, "now", lambda: sent_at + timedelta(days=13, hours=23))
    assert client.get(f"/invitation/{token}/").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: sent_at + timedelta(days=14))
    assert client.get(f"/invitation/{token}/").status_code == 410


def test_a_made_up_token_is_not_found(client: Client, db: object) -> None:
    response = client.get("/invitation/not-a-real-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_the_old_link_stops_working_when_a_new_one_is_sent(
    client: Client, alice: User, invitation_for_dan: tuple[Invitation, str]
) -> None:
    invitation, old_token = invitation_for_dan
    new_token = services.renew_invitation(actor=alice, invitation=invitation)
    assert client.get(f"/invitation/{old_token}/").status_code == 404
    assert client.get(f"/invitation/{new_token}/").status_code == 200


def test_an_apprentice_is_linked_to_their_apprentice_record(
    client: Client, alice: User, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration()
    apprentice = registration.apprentice
    _, token = services.invite(
        actor=alice, email=apprentice.email.upper(), full_name="Learner", role="apprentice"
    )
    response = client.post(
        f"/invitation/{token}/",
        {"full_name": "Learner One", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    apprentice.refresh_from_db()
    assert apprentice.user is not None
    assert apprentice.user.email == apprentice.email.lower()
    assert apprentice.user.organisation is None
    event = AuditEvent.objects.get(action="apprentice.account_linked")
    assert event.registration == registration


def test_a_signed_in_person_is_not_switched_to_another_account(
    login: Callable[[User], Client], bob: User, invitation_for_dan: tuple[Invitation, str]
) -> None:
    _, token = invitation_for_dan
    client = login(bob)
    response = client.get(f"/invitation/{token}/", follow=True)
    assert "You are already signed in" in response.content.decode()
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_the_email_link_opens_the_acceptance_page(
    login: Callable[[User], Client], alice: User, provider: Organisation, client: Client
) -> None:
    admin = login(alice)
    admin.post(
        "/people/invite/",
        {
            "email": "dan@acme.example",
            "full_name": "Dan",
            "role": "provider",
            "organisation": provider.pk,
        },
    )
    admin.post("/sign-out/")
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[0].body).group(0)  # type: ignore[union-attr]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200


def test_an_account_without_a_password_chooses_one_through_an_invitation(
    client: Client, alice: User, provider: Organisation
) -> None:
    dan = User.objects.create_user(
        "dan@acme.example",
        None,
        full_name="Dan",
        role="provider",
        epao=alice.epao,
        organisation=provider,
    )
    _, token = services.invite(
        actor=alice,
        email="dan@acme.example",
        full_name="Dan Provider",
        role="provider",
        organisation=provider,
    )
    response = accept(client, token)

    assert response.status_code == 302  # type: ignore[attr-defined]
    dan.refresh_from_db()
    assert dan.check_password(NEW_PASSWORD)
    assert dan.full_name == "Dan Provider"
    assert User.objects.filter(email="dan@acme.example").count() == 1
    assert AuditEvent.objects.filter(action="user.password_set", object_id=str(dan.pk)).exists()
    with pytest.raises(ValueError, match="already has an OpenEPA account"):
        services.invite(
            actor=alice,
            email="dan@acme.example",
            full_name="Dan",
            role="provider",
            organisation=provider,
        )
