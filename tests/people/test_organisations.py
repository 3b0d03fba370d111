"""The EPAO admin's list of training providers and employers.

Alice (EPAO admin) sees Acme Training and Bright Retail; Mallory, admin of another EPAO, never
sees them; nobody else may use the page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User


def test_alice_sees_the_providers_and_employers_of_her_epao(
    login: Callable[[User], Client],
    alice: User,
    bob: User,
    erin: User,
    other_provider: Organisation,
) -> None:
    html = login(alice).get("/organisations/").content.decode()
    assert "Acme Training" in html
    assert "10012345" in html
    assert "Bright Retail" in html
    assert "Other Training" in html
    assert "Demo EPAO</th>" not in html  # the EPAO itself is not a partner
    assert "3 organisations" in html


def test_search_by_name_or_ukprn_and_filter_by_kind(
    login: Callable[[User], Client], alice: User, provider: Organisation, employer: Organisation
) -> None:
    client = login(alice)
    by_name = client.get("/organisations/", {"q": "acme"}).content.decode()
    assert "Acme Training" in by_name
    assert "Bright Retail" not in by_name
    by_ukprn = client.get("/organisations/", {"q": "10012345"}).content.decode()
    assert "Acme Training" in by_ukprn
    employers = client.get("/organisations/", {"kind": "employer"}).content.decode()
    assert "Bright Retail" in employers
    assert "Acme Training" not in employers
    nothing = client.get("/organisations/", {"q": "zzz"}).content.decode()
    assert "No organisations match your search" in nothing


def test_mallory_of_another_epao_sees_none_of_them(
    login: Callable[[User], Client], mallory: User, provider: Organisation, employer: Organisation
) -> None:
    response = login(mallory).get("/organisations/", {"q": "Acme"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme Training" not in html
    assert "Bright Retail" not in html


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    login: Callable[[User], Client],
    alice: User,
    epao: Organisation,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    Organisation.objects.bulk_create(
        Organisation(kind="employer", name=f"Employer {n:03d}", epao=epao) for n in range(60)
    )
    client = login(alice)
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        first = client.get("/organisations/")
    html = first.content.decode()
    assert "Employer 000" in html
    assert "Employer 025" not in html
    assert "Page </span>1<span" in html
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        third = client.get("/organisations/", {"page": 3})
    assert "Employer 059" in third.content.decode()


@pytest.mark.parametrize("person", ["anna", "ivy", "bob", "erin", "pat"])
def test_other_roles_are_forbidden(
    login: Callable[[User], Client], request: pytest.FixtureRequest, person: str
) -> None:
    user = request.getfixturevalue(person)
    client = login(user)
    for path in ("/organisations/", "/organisations/add/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "You do not have permission to see this page" in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client: Client, db: object) -> None:
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=/organisations/")
