"""Alice the EPAO admin lists her EPAO's assessors and IQAs, 25 a page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from tests.planning.conftest import approve


def _staff(epao: Organisation, count: int) -> None:
    for number in range(count):
        user = User.objects.create_user(
            f"a{number}@epao.example",
            "x" * 20,
            full_name=f"Assessor {number:03}",
            role=User.Role.ASSESSOR,
            epao=epao,
            organisation=epao,
        )
        approve(user, "st0071-highfield")


def test_alice_sees_assessors_and_iqas_but_not_another_epaos(
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    ivy: User,
    bob: User,
    mallory: User,
) -> None:
    approve(anna, "st0071-highfield")
    page = login(alice).get(reverse("planning:assessors"))
    names = [person.full_name for person in page.context["page_obj"]]
    assert names == ["Anna Assessor", "Ivy Quality"]
    assert "st0071-highfield" in page.content.decode()
    assert "No profile yet" in page.content.decode()  # Ivy


def test_the_list_is_paginated_with_constant_queries(
    login: Callable[[User], Client],
    alice: User,
    epao: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    _staff(epao, 3)
    client = login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("planning:assessors"))
    _staff_more = 30
    for number in range(3, 3 + _staff_more):
        user = User.objects.create_user(
            f"b{number}@epao.example",
            "x" * 20,
            full_name=f"Assessor {number:03}",
            role=User.Role.ASSESSOR,
            epao=epao,
            organisation=epao,
        )
        approve(user, "st0071-highfield")
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        page = client.get(reverse("planning:assessors"))
    assert len(page.context["page_obj"]) == 25
    second = client.get(reverse("planning:assessors") + "?page=2")
    assert len(second.context["page_obj"]) == 8
