"""Signing in by email address and password, throttled after five wrong passwords.

Alice the EPAO admin signs in; Mallory guesses her password and is stopped.
"""

from __future__ import annotations

import pytest
from django.test import Client

from openepa.accounts.models import User
from tests.conftest import PASSWORD

WRONG = "not the password at all"


def sign_in(client: Client, email: str, password: str) -> object:
    return client.post("/sign-in/", {"username": email, "password": password})


def test_alice_signs_in_with_her_email_in_any_case(client: Client, alice: User) -> None:
    response = sign_in(client, "  ALICE@Epao.Example ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_says_what_to_enter_and_keeps_the_email(
    client: Client, alice: User
) -> None:
    response = sign_in(client, "alice@epao.example", WRONG)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct email address and password" in html
    assert 'value="alice@epao.example"' in html
    assert WRONG not in html
    assert "_auth_user_id" not in client.session


def test_an_address_that_is_not_an_email_is_explained(client: Client, db: object) -> None:
    response = sign_in(client, "alice", PASSWORD)
    assert "Enter a valid email address" in response.content.decode()


def test_five_wrong_passwords_lock_the_address_even_for_the_right_password(
    client: Client, alice: User
) -> None:
    for _ in range(4):
        assert sign_in(client, "alice@epao.example", WRONG).status_code == 200
    locked = sign_in(client, "Alice@epao.example", WRONG)
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()

    refused = sign_in(client, "alice@epao.example", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts to sign in" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_address(client: Client, alice: User, bob: User) -> None:
    for _ in range(5):
        sign_in(client, "alice@epao.example", WRONG)
    response = sign_in(client, "bob@acme.example", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_a_successful_sign_in_resets_the_count_of_failures(client: Client, alice: User) -> None:
    for _ in range(4):
        sign_in(client, "alice@epao.example", WRONG)
    assert sign_in(client, "alice@epao.example", PASSWORD).status_code == 302
    client.post("/sign-out/")
    for _ in range(4):
        assert sign_in(client, "alice@epao.example", WRONG).status_code == 200
    assert sign_in(client, "alice@epao.example", PASSWORD).status_code == 302


def test_a_switched_off_account_cannot_sign_in(client: Client, alice: User) -> None:
    alice.is_active = False
    alice.save()
    response = sign_in(client, "alice@epao.example", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/sign-in/"])
def test_the_sign_in_page_links_to_password_reset(client: Client, db: object, path: str) -> None:
    html = client.get(path).content.decode()
    assert 'href="/password-reset/"' in html


def test_signing_out_ends_the_session(client: Client, alice: User) -> None:
    sign_in(client, "alice@epao.example", PASSWORD)
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
