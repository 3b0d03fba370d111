"""Sign-in throttling counts failures per email address AND client address.

A stranger guessing Alice's password from their own address locks only themselves out: Alice,
from hers, still signs in. Behind the reverse proxy of the README's deployment every request
comes from the proxy's address, so with ``TRUSTED_PROXY_COUNT`` set the client's address is
read from the X-Forwarded-For header the trusted proxies wrote, and only from there.
"""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from openepa.accounts.models import User
from openepa.people.throttling import client_address
from tests.conftest import PASSWORD

WRONG = "not the password at all"
PROXY = "10.0.0.2"
STRANGER = "203.0.113.9"
ALICE_AT_HOME = "198.51.100.7"


def sign_in(client: Client, password: str, **meta: str) -> Any:
    return client.post(
        "/sign-in/", {"username": "alice@epao.example", "password": password}, **meta
    )


def test_a_strangers_failures_do_not_lock_alice_out_from_her_own_address(
    client: Client, alice: User
) -> None:
    for _ in range(5):
        sign_in(client, WRONG, REMOTE_ADDR=STRANGER)
    assert sign_in(client, PASSWORD, REMOTE_ADDR=STRANGER).status_code == 429
    alice_client = Client()
    response = sign_in(alice_client, PASSWORD, REMOTE_ADDR=ALICE_AT_HOME)
    assert response.status_code == 302
    assert alice_client.session["_auth_user_id"] == str(alice.pk)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(
    client: Client, alice: User
) -> None:
    for _ in range(5):
        sign_in(client, WRONG, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=ALICE_AT_HOME)
    assert AccessAttempt.objects.get().ip_address == STRANGER


def test_behind_the_trusted_proxy_the_forwarded_client_address_is_counted(
    client: Client, alice: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in(client, WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == STRANGER
    assert attempt.failures_since_start == 5
    locked = sign_in(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)
    assert locked.status_code == 429

    alice_client = Client()
    response = sign_in(
        alice_client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE_AT_HOME
    )
    assert response.status_code == 302


def test_a_stranger_cannot_claim_alices_address_through_the_proxy(
    client: Client, alice: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    forged = f"{ALICE_AT_HOME}, {STRANGER}"  # the stranger's own header, then the proxy's entry
    for _ in range(5):
        sign_in(client, WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)
    assert AccessAttempt.objects.get().ip_address == STRANGER
    response = Client().post(
        "/sign-in/",
        {"username": "alice@epao.example", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ALICE_AT_HOME,
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", PROXY),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", PROXY),  # fewer entries than proxies: not through them all
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_the_first_trusted_proxy_wrote(
    rf: Any, settings: Any, count: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
