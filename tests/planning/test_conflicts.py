"""A conflict of interest declared after allocation asks the EPAO to reallocate.

Anna assesses Pat (Bright Retail, Acme Training) and Ivy is Pat's IQA. When either declares a
relationship that makes them not independent of Pat, the allocations list and Alice's home
page show "conflict declared after allocation: reallocate" until Pat is reallocated or the
declaration removed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.planning import services
from openepa.planning.conflicts import conflicted_allocations
from openepa.registration.models import Registration

ALERT = "conflict declared after allocation: reallocate"


def _declare(person: User, organisation: Organisation, kind: str = "worked_for_employer") -> None:
    services.declare_relationship(
        services.profile_of(person),
        person,
        kind=kind,
        organisation=organisation,
        declared_on=date(2026, 9, 1),
    )


def test_a_conflict_declared_after_allocation_is_listed_to_reallocate(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    ivy: User,
    pats: Registration,
    past_gateway: Callable[..., Registration],
    employer: Organisation,
    provider: Organisation,
) -> None:
    Registration.objects.filter(pk=pats.pk).update(assessor=anna, iqa=ivy)
    other = past_gateway(assessor=anna, iqa=ivy, given_names="Sam")
    assert list(conflicted_allocations(alice)) == []
    _declare(ivy, provider, "worked_with_provider")
    assert {r.pk for r in conflicted_allocations(alice)} == {pats.pk, other.pk}
    client = login(alice)
    page = client.get(reverse("planning:allocations")).content.decode()
    assert ALERT in page
    assert "Ivy Quality (IQA) declared that they worked with the training provider" in page
    home = client.get(reverse("home")).content.decode()
    assert "2 apprentices with a " + ALERT in home


def test_a_relationship_elsewhere_or_removed_raises_no_alert(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    ivy: User,
    pats: Registration,
    employer: Organisation,
    other_employer: Organisation,
) -> None:
    Registration.objects.filter(pk=pats.pk).update(assessor=anna, iqa=ivy)
    _declare(anna, other_employer)
    assert list(conflicted_allocations(alice)) == []
    _declare(anna, employer)
    [conflicted] = conflicted_allocations(alice)
    assert conflicted.pk == pats.pk
    relationship = anna.assessor_profile.relationships.get(organisation=employer)
    services.remove_relationship(relationship, alice, reason="Declared by mistake.")
    assert list(conflicted_allocations(alice)) == []
    assert ALERT not in login(alice).get(reverse("planning:allocations")).content.decode()
