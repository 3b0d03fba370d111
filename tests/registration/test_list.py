"""The apprentice list: each person sees only their own scope, filtered, sorted and paginated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openepa.accounts.models import Organisation, User
from openepa.registration.models import Registration

URL = "/apprentices/"
MakeRegistration = Callable[..., Registration]


def names(response: object) -> list[str]:
    return [r.apprentice.given_names for r in response.context["registrations"]]  # type: ignore[attr-defined]


@pytest.fixture
def three(
    add_registration: MakeRegistration,
    other_provider: Organisation,
    other_employer: Organisation,
    pat: User,
) -> dict[str, Registration]:
    """Pat and Quinn at Acme Training for Bright Retail; Rory at Other Training for Other Retail."""
    return {
        "pat": add_registration(given_names="Pat", family_name="Young", apprentice_user=pat),
        "quinn": add_registration(
            "st0072-activeiq",
            given_names="Quinn",
            family_name="Adams",
            status=Registration.Status.GATEWAY,
            planned_assessment_month=date(2026, 9, 1),
        ),
        "rory": add_registration(
            "st0071-nqual",
            given_names="Rory",
            family_name="Moss",
            provider_org=other_provider,
            employer_org=other_employer,
            planned_assessment_month=date(2026, 5, 1),
        ),
    }


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", {"Pat", "Quinn", "Rory"}),
        ("bob", {"Pat", "Quinn"}),
        ("charlie", {"Rory"}),
        ("erin", {"Pat", "Quinn"}),
        ("eve", {"Rory"}),
        ("pat", {"Pat"}),
        ("anna", set()),
        ("mallory", set()),
    ],
)
def test_each_person_sees_only_their_own_apprentices(
    login: Callable[[User], Client],
    three: dict[str, Registration],
    person: str,
    expected: set[str],
    request: pytest.FixtureRequest,
) -> None:
    response = login(request.getfixturevalue(person)).get(URL)
    assert response.status_code == 200
    assert set(names(response)) == expected


def test_the_table_shows_what_identifies_each_registration(
    login: Callable[[User], Client], alice: User, three: dict[str, Registration]
) -> None:
    html = login(alice).get(URL).content.decode()
    quinn = three["quinn"]
    assert f'href="/apprentices/{quinn.pk}/"' in html
    assert "Adams, Quinn" in html
    assert quinn.apprentice.uln in html
    assert "Active IQ [st0072-activeiq]" in html
    assert '<strong class="govuk-tag govuk-tag--light-blue">Gateway in progress</strong>' in html
    assert "September 2026" in html
    assert "3 apprentices" in html


def test_search_by_name_or_uln(
    login: Callable[[User], Client], alice: User, three: dict[str, Registration]
) -> None:
    client = login(alice)
    assert names(client.get(URL, {"q": "quinn"})) == ["Quinn"]
    assert names(client.get(URL, {"q": "Rory Moss"})) == ["Rory"]
    uln = three["pat"].apprentice.uln
    assert names(client.get(URL, {"q": uln[:6]})) == ["Pat"]
    response = client.get(URL, {"q": "nobody"})
    assert names(response) == []
    assert "No apprentices match the filters" in response.content.decode()


def test_filter_by_status_specification_and_provider(
    login: Callable[[User], Client],
    alice: User,
    three: dict[str, Registration],
    other_provider: Organisation,
) -> None:
    client = login(alice)
    assert names(client.get(URL, {"status": "gateway"})) == ["Quinn"]
    assert names(client.get(URL, {"specification": "st0071-nqual"})) == ["Rory"]
    assert names(client.get(URL, {"provider": other_provider.pk})) == ["Rory"]


def test_providers_have_no_provider_filter_and_cannot_widen_their_scope(
    login: Callable[[User], Client],
    bob: User,
    three: dict[str, Registration],
    other_provider: Organisation,
) -> None:
    response = login(bob).get(URL, {"provider": other_provider.pk})
    assert set(names(response)) == {"Pat", "Quinn"}
    assert 'name="provider"' not in response.content.decode()


def test_sort_by_name_created_or_planned_month(
    login: Callable[[User], Client], alice: User, three: dict[str, Registration]
) -> None:
    client = login(alice)
    assert names(client.get(URL, {"sort": "name"})) == ["Quinn", "Rory", "Pat"]
    assert names(client.get(URL, {"sort": "planned"})) == ["Rory", "Pat", "Quinn"]
    assert names(client.get(URL, {"sort": "created"})) == ["Rory", "Quinn", "Pat"]
    assert names(client.get(URL, {"sort": "bogus"})) == ["Rory", "Quinn", "Pat"]


def test_the_list_is_paginated_25_a_page(
    login: Callable[[User], Client], bob: User, add_registration: MakeRegistration
) -> None:
    for _ in range(30):
        add_registration()
    client = login(bob)
    first = client.get(URL, {"sort": "name"})
    assert len(names(first)) == 25
    assert 'href="?sort=name&amp;page=2"' in first.content.decode()
    assert len(names(client.get(URL, {"sort": "name", "page": 2}))) == 5


@pytest.mark.parametrize("person", ["alice", "bob"])
def test_the_number_of_queries_does_not_grow_with_the_apprentices(
    login: Callable[[User], Client],
    add_registration: MakeRegistration,
    person: str,
    request: pytest.FixtureRequest,
) -> None:
    client = login(request.getfixturevalue(person))
    for _ in range(5):
        add_registration(status=Registration.Status.GATEWAY)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"status": "gateway", "sort": "name"}).status_code == 200
        return len(queries)

    with_five = count()
    for _ in range(55):
        add_registration(status=Registration.Status.GATEWAY)
    assert count() == with_five
    assert with_five <= 8
