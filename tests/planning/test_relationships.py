"""Declaring relationships: Anna the assessor declares her own; Alice the EPAO admin declares
for her and removes one that no longer applies, saying why. Everything is audited and kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.audit.models import AuditEvent
from openepa.planning.models import Relationship

VALID_ULN = "1000871095"


def _add(person: User) -> str:
    return reverse("planning:relationship_add", args=[person.pk])


def _date() -> dict[str, str]:
    return {"declared_on_day": "1", "declared_on_month": "6", "declared_on_year": "2026"}


def test_anna_declares_she_worked_for_an_employer(
    login: Callable[[User], Client], anna: User, employer: Organisation
) -> None:
    client = login(anna)
    assert client.get(_add(anna)).status_code == 200
    data = {"kind": "worked_for_employer", "organisation": employer.pk, "note": "2019 to 2022"}
    response = client.post(_add(anna), {**data, **_date()})
    assert response.status_code == 302
    relationship = Relationship.objects.get()
    assert (relationship.organisation, relationship.declared_by) == (employer, anna)
    event = AuditEvent.objects.get(action="planning.relationship_declared")
    assert event.changes == {
        "relationship": {"old": None, "new": "Worked for the employer: Bright Retail"}
    }
    assert event.reason == "2019 to 2022"
    page = client.get(reverse("planning:profile", args=[anna.pk])).content.decode()
    assert "Bright Retail" in page


def test_anna_declares_she_knows_an_apprentice_by_uln(
    login: Callable[[User], Client], anna: User
) -> None:
    client = login(anna)
    data = {"kind": "knows_apprentice", "uln": VALID_ULN, "apprentice_name": "Sam Neighbour"}
    assert client.post(_add(anna), {**data, **_date()}).status_code == 302
    assert Relationship.objects.get().uln == VALID_ULN


def test_mistakes_are_explained_and_what_was_typed_kept(
    login: Callable[[User], Client], anna: User, provider: Organisation
) -> None:
    client = login(anna)
    response = client.post(
        _add(anna),
        {"kind": "knows_apprentice", "uln": "123", "apprentice_name": "Sam", **_date()},
    )
    text = response.content.decode()
    assert "Enter a ULN of 10 digits, like 1234567890" in text
    assert 'value="Sam"' in text
    wrong_kind = client.post(
        _add(anna), {"kind": "worked_for_employer", "organisation": provider.pk, **_date()}
    )
    assert "Acme Training is not an employer" in wrong_kind.content.decode()
    missing = client.post(_add(anna), {"kind": "worked_with_provider", **_date()})
    assert "Select the training provider" in missing.content.decode()
    assert not Relationship.objects.exists()


def test_an_organisation_of_another_epao_cannot_be_chosen(
    login: Callable[[User], Client], anna: User, other_epao: Organisation
) -> None:
    elsewhere = Organisation.objects.create(kind="employer", name="Elsewhere", epao=other_epao)
    response = login(anna).post(
        _add(anna), {"kind": "worked_for_employer", "organisation": elsewhere.pk, **_date()}
    )
    assert "Select an organisation from the list" in response.content.decode()
    assert not Relationship.objects.exists()


def test_alice_removes_a_declaration_saying_why_and_it_is_kept(
    login: Callable[[User], Client], alice: User, anna: User, employer: Organisation
) -> None:
    client = login(alice)
    client.post(
        _add(anna), {"kind": "worked_with_employer", "organisation": employer.pk, **_date()}
    )
    relationship = Relationship.objects.get()
    url = reverse("planning:relationship_remove", args=[anna.pk, relationship.pk])
    assert "Say why" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Declared by mistake"}).status_code == 302
    relationship.refresh_from_db()
    assert relationship.removed_at is not None
    assert (relationship.removed_by, relationship.removal_reason) == (alice, "Declared by mistake")
    event = AuditEvent.objects.get(action="planning.relationship_removed")
    assert event.changes["relationship"]["new"] is None
    assert event.reason == "Declared by mistake"
    assert client.get(url).status_code == 404  # already removed


def test_anna_cannot_remove_her_own_declaration_nor_declare_for_others(
    login: Callable[[User], Client], anna: User, ivy: User, employer: Organisation
) -> None:
    client = login(anna)
    client.post(_add(anna), {"kind": "worked_for_employer", "organisation": employer.pk, **_date()})
    relationship = Relationship.objects.get()
    url = reverse("planning:relationship_remove", args=[anna.pk, relationship.pk])
    assert client.post(url, {"reason": "I changed my mind"}).status_code == 403
    data: dict[str, Any] = {"kind": "worked_for_employer", "organisation": employer.pk}
    assert client.post(_add(ivy), {**data, **_date()}).status_code == 404
    assert Relationship.objects.filter(removed_at__isnull=True).count() == 1
