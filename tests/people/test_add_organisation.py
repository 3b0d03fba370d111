"""Alice the EPAO admin adds training providers (with a UKPRN) and employers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User
from openepa.audit.models import AuditEvent


def test_alice_adds_a_provider_with_its_ukprn(
    login: Callable[[User], Client], alice: User, epao: Organisation
) -> None:
    client = login(alice)
    response = client.post(
        "/organisations/add/",
        {"kind": "provider", "name": " North  College ", "ukprn": "1003 4567"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    college = Organisation.objects.get(name="North College")
    assert (college.kind, college.ukprn, college.epao) == ("provider", "10034567", epao)
    page = client.get("/organisations/").content.decode()
    assert "North College was added" in page
    event = AuditEvent.objects.get(action="organisation.created")
    assert event.actor == alice
    assert event.changes["ukprn"] == {"old": None, "new": "10034567"}
    assert event.changes["name"] == {"old": None, "new": "North College"}


def test_alice_adds_an_employer_without_a_ukprn(
    login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).post(
        "/organisations/add/", {"kind": "employer", "name": "Corner Shop", "ukprn": ""}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Corner Shop").ukprn == ""


@pytest.mark.parametrize(
    ("ukprn", "message"),
    [
        ("", "Enter the training provider&#x27;s UKPRN, like 10012345"),
        ("1234567", "Enter a UKPRN of 8 digits between 10000000 and 99999999"),
        ("123456789", "Enter a UKPRN of 8 digits between 10000000 and 99999999"),
        ("09999999", "Enter a UKPRN of 8 digits between 10000000 and 99999999"),
        ("1001234X", "Enter a UKPRN of 8 digits between 10000000 and 99999999"),
        ("10012345", "Acme Training already has UKPRN 10012345"),
    ],
)
def test_a_wrong_ukprn_is_refused_with_what_to_fix(
    login: Callable[[User], Client],
    alice: User,
    provider: Organisation,
    ukprn: str,
    message: str,
) -> None:
    response = login(alice).post(
        "/organisations/add/", {"kind": "provider", "name": "New College", "ukprn": ukprn}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert 'href="#id_ukprn"' in html
    assert 'value="New College"' in html  # what was typed is kept
    assert not Organisation.objects.filter(name="New College").exists()


def test_the_lowest_and_highest_ukprns_are_accepted(
    login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)
    for number, ukprn in enumerate(("10000000", "99999999")):
        response = client.post(
            "/organisations/add/", {"kind": "provider", "name": f"College {number}", "ukprn": ukprn}
        )
        assert response.status_code == 302


def test_an_employer_with_a_ukprn_is_told_to_leave_it_empty(
    login: Callable[[User], Client], alice: User
) -> None:
    html = (
        login(alice)
        .post("/organisations/add/", {"kind": "employer", "name": "Shop", "ukprn": "10012345"})
        .content.decode()
    )
    assert "Leave UKPRN empty for an employer" in html


def test_missing_kind_and_name_are_explained(login: Callable[[User], Client], alice: User) -> None:
    html = login(alice).post("/organisations/add/", {}).content.decode()
    assert "Select training provider or employer" in html
    assert "Enter the organisation&#x27;s name" in html


def test_a_second_employer_with_the_same_name_is_refused(
    login: Callable[[User], Client], alice: User, employer: Organisation
) -> None:
    html = (
        login(alice)
        .post("/organisations/add/", {"kind": "employer", "name": "bright retail"})
        .content.decode()
    )
    assert "There is already an employer called bright retail" in html


def test_mallory_can_reuse_a_ukprn_of_another_epao(
    login: Callable[[User], Client], mallory: User, provider: Organisation
) -> None:
    response = login(mallory).post(
        "/organisations/add/", {"kind": "provider", "name": "Acme Training", "ukprn": "10012345"}
    )
    assert response.status_code == 302
    created = Organisation.objects.get(epao=mallory.epao, ukprn="10012345")
    assert created.pk != provider.pk
