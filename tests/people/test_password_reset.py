"""Bob forgot his password: he asks for a link by email and chooses a new password."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.test.utils import override_settings

from openepa.accounts.models import User
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase here"
LINK = re.compile(r"https://epa\.example\.org(/password-reset/[^/\s]+/[^/\s]+/)")


def ask_for_link(client: Client, email: str) -> str:
    response = client.post("/password-reset/", {"email": email})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    return LINK.search(mail.outbox[-1].body).group(1)  # type: ignore[union-attr]


def test_the_pages_use_openepa_wording(client: Client, db: object) -> None:
    assert "Reset your password" in client.get("/password-reset/").content.decode()
    assert "Check your email" in client.get("/password-reset/sent/").content.decode()


@override_settings(SITE_URL="https://epa.example.org")
def test_bob_gets_a_link_by_email_and_sets_a_new_password(client: Client, bob: User) -> None:
    path = ask_for_link(client, "Bob@Acme.example")
    message = mail.outbox[0]
    assert message.to == ["bob@acme.example"]
    assert message.subject == "Reset your OpenEPA password"
    assert "Bob Provider" in message.body

    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_path = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/password-reset/done/"
    assert "Your password has been changed" in client.get("/password-reset/done/").content.decode()

    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)
    signed_in = client.post("/sign-in/", {"username": "bob@acme.example", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


@override_settings(SITE_URL="https://epa.example.org")
def test_the_link_works_only_once(client: Client, bob: User) -> None:
    path = ask_for_link(client, "bob@acme.example")
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    again = client.get(path, follow=True).content.decode()
    assert "This link does not work" in again


@override_settings(SITE_URL="https://epa.example.org")
def test_a_weak_new_password_is_refused_with_the_reason(client: Client, bob: User) -> None:
    path = ask_for_link(client, "bob@acme.example")
    page = client.get(path, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    html = response.content.decode()
    assert "This password is too short" in html
    assert 'href="#id_new_password1"' in html
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_page_and_no_email(client: Client, db: object) -> None:
    response = client.post("/password-reset/", {"email": "nobody@nowhere.example"})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_an_empty_or_malformed_address_is_explained(client: Client, db: object) -> None:
    empty = client.post("/password-reset/", {"email": ""}).content.decode()
    assert "Enter your email address" in empty
    bad = client.post("/password-reset/", {"email": "bob"}).content.decode()
    assert "Enter an email address in the correct format, like name@example.com" in bad


@override_settings(SITE_URL="https://epa.example.org")
def test_a_new_password_lifts_a_sign_in_lock(client: Client, bob: User) -> None:
    for _ in range(5):
        client.post("/sign-in/", {"username": "bob@acme.example", "password": "wrong guess!"})
    locked = client.post("/sign-in/", {"username": "bob@acme.example", "password": PASSWORD})
    assert locked.status_code == 429
    assert 'href="/password-reset/"' in locked.content.decode()
    path = ask_for_link(client, "bob@acme.example")
    page = client.get(path, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    response = client.post("/sign-in/", {"username": "bob@acme.example", "password": NEW_PASSWORD})
    assert response.status_code == 302


@override_settings(SITE_URL="https://epa.example.org")
def test_reset_for_an_account_without_a_usable_password_explains_by_email(
    client: Client, bob: User
) -> None:
    bob.set_unusable_password()
    bob.save()
    unknown = client.post("/password-reset/", {"email": "nobody@nowhere.example"})
    response = client.post("/password-reset/", {"email": "Bob@Acme.example"})

    # The same page as for an unknown address: nothing tells a stranger the account exists.
    assert response.status_code == unknown.status_code == 302
    assert response["Location"] == unknown["Location"] == "/password-reset/sent/"
    sent = client.get("/password-reset/sent/").content.decode()
    assert "no password yet" in sent
    # The email itself explains, to the account's own address only.
    [message] = mail.outbox
    assert message.to == ["bob@acme.example"]
    assert message.subject == "Your OpenEPA account has no password yet"
    assert "Bob Provider" in message.body
    assert "has no password" in message.body
    assert "invitation" in message.body
    assert "/password-reset/" not in message.body  # no reset link: it could not be used
    bob.refresh_from_db()
    assert not bob.has_usable_password()
