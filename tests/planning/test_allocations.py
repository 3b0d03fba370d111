"""Alice the EPAO admin lists the apprentices past the gateway waiting for an assessor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.registration.models import Registration


def test_unallocated_first_and_all_on_request(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    past_gateway: Callable[..., Registration],
    make_registration: Callable[..., Registration],
) -> None:
    waiting = past_gateway(epa_window_end=date(2026, 10, 1))
    later = past_gateway(epa_window_end=date(2026, 11, 2))
    allocated = past_gateway(assessor=anna)
    make_registration("st0071-highfield")  # before the gateway: not listed
    client = login(alice)
    page = client.get(reverse("planning:allocations"))
    assert list(page.context["page_obj"]) == [waiting, later]
    everyone = client.get(reverse("planning:allocations") + "?show=all")
    assert set(everyone.context["page_obj"]) == {waiting, later, allocated}


def test_the_list_keeps_the_same_number_of_queries(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    past_gateway: Callable[..., Registration],
    django_assert_max_num_queries: Any,
) -> None:
    past_gateway()
    client = login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("planning:allocations") + "?show=all")
    for _ in range(30):
        past_gateway(assessor=anna)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("planning:allocations") + "?show=all")
    assert len(page.context["page_obj"]) == 25


def test_others_may_not_use_it(login: Callable[[User], Client], anna: User, bob: User) -> None:
    for person in (anna, bob):
        assert login(person).get(reverse("planning:allocations")).status_code == 403
