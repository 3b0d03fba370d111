"""The EPAO admin's list of people, by role and organisation.

Alice sees everyone at her EPAO (Anna, Ivy, Bob, Charlie, Erin, Pat); Mallory, of another EPAO,
sees none of them and cannot open their organisations.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User
from tests.conftest import PASSWORD


@pytest.fixture
def everyone(
    alice: User, anna: User, ivy: User, bob: User, charlie: User, erin: User, pat: User
) -> list[User]:
    return [alice, anna, ivy, bob, charlie, erin, pat]


def test_alice_sees_everyone_with_role_and_organisation(
    login: Callable[[User], Client], alice: User, everyone: list[User], mallory: User
) -> None:
    html = login(alice).get("/people/").content.decode()
    for person in everyone:
        assert person.email in html
    assert "Acme Training" in html
    assert "Training provider" in html
    assert "Independent assessor" in html
    assert "7 people" in html
    assert mallory.email not in html


def test_filter_by_role(login: Callable[[User], Client], alice: User, everyone: list[User]) -> None:
    html = login(alice).get("/people/", {"role": "provider"}).content.decode()
    assert "bob@acme.example" in html
    assert "charlie@other.example" in html
    assert "erin@bright.example" not in html
    assert "anna@epao.example" not in html
    assert "2 people" in html


def test_search_by_name_or_email(
    login: Callable[[User], Client], alice: User, everyone: list[User]
) -> None:
    client = login(alice)
    assert "bob@acme.example" in client.get("/people/", {"q": "Bob"}).content.decode()
    by_email = client.get("/people/", {"q": "bright.example"}).content.decode()
    assert "erin@bright.example" in by_email
    assert "bob@acme.example" not in by_email


def test_people_of_one_organisation(
    login: Callable[[User], Client], alice: User, everyone: list[User], provider: Organisation
) -> None:
    html = login(alice).get("/people/", {"organisation": provider.pk}).content.decode()
    assert "People at Acme Training" in html
    assert "bob@acme.example" in html
    assert "charlie@other.example" not in html


def test_mallory_sees_none_of_them_and_cannot_open_their_organisation(
    login: Callable[[User], Client], mallory: User, everyone: list[User], provider: Organisation
) -> None:
    client = login(mallory)
    html = client.get("/people/").content.decode()
    assert "bob@acme.example" not in html
    assert "alice@epao.example" not in html
    assert client.get("/people/", {"organisation": provider.pk}).status_code == 404
    assert client.get("/people/", {"organisation": "abc"}).status_code == 404


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    login: Callable[[User], Client],
    alice: User,
    epao: Organisation,
    provider: Organisation,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    User.objects.bulk_create(
        User(
            email=f"person{n:03d}@acme.example",
            full_name=f"Person {n:03d}",
            role="provider",
            epao=epao,
            organisation=provider,
            password=PASSWORD,
        )
        for n in range(60)
    )
    client = login(alice)
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        first = client.get("/people/")
    assert "Person 000" in first.content.decode()
    assert "Person 030" not in first.content.decode()
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        third = client.get("/people/", {"page": 3, "role": "provider"})
    assert "Person 059" in third.content.decode()


@pytest.mark.parametrize("person", ["anna", "ivy", "bob", "erin", "pat"])
def test_other_roles_are_forbidden(
    login: Callable[[User], Client], request: pytest.FixtureRequest, person: str
) -> None:
    client = login(request.getfixturevalue(person))
    for path in ("/people/", "/people/invite/", "/people/invitations/"):
        assert client.get(path).status_code == 403
