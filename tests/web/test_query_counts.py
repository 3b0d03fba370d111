"""No page's query count grows with the number of apprentices."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent
from openepa.registration.models import Registration

PAGES = [
    ("alice", "home"),
    ("alice", "registration:list"),
    ("alice", "gateway:review_queue"),
    ("alice", "people:organisations"),
    ("alice", "people:people"),
    ("bob", "home"),
    ("bob", "registration:list"),
    ("erin", "registration:list"),
    ("anna", "registration:list"),
]


def _add(
    make_registration: Callable[..., Registration], count: int, anna: User, alice: User
) -> None:
    specs = [
        "st0071-highfield",
        "st0072-activeiq",
        "st0071-nqual",
        "st0072-excelme",
        "st0071-epakit",
    ]
    for number in range(count):
        registration = make_registration(specs[number % len(specs)], assessor=anna)
        create_components(registration)
        GatewayComponent.objects.filter(registration=registration).update(status="submitted")
        record_event(
            actor=alice,
            epao=registration.epao,
            action="test.touched",
            obj=registration,
            registration=registration,
            summary="touched",
        )


def _queries(client: Client, person: User, url: str) -> int:
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("person", "name"), PAGES)
def test_list_pages_keep_their_query_count(
    person: str,
    name: str,
    client: Client,
    request: pytest.FixtureRequest,
    make_registration: Callable[..., Registration],
    alice: User,
    anna: User,
    bob: User,
    erin: User,
) -> None:
    user = request.getfixturevalue(person)
    _add(make_registration, 3, anna, alice)
    few = _queries(client, user, reverse(name))
    _add(make_registration, 30, anna, alice)
    assert _queries(client, user, reverse(name)) == few


@pytest.mark.parametrize(
    "name", ["registration:detail", "gateway:overview", "registration:history"]
)
def test_apprentice_pages_keep_their_query_count(
    name: str,
    client: Client,
    make_registration: Callable[..., Registration],
    alice: User,
    anna: User,
    bob: User,
) -> None:
    _add(make_registration, 2, anna, alice)
    registration = Registration.objects.order_by("pk").first()
    assert registration is not None
    url = reverse(name, args=[registration.pk])
    few = _queries(client, alice, url)
    _add(make_registration, 30, anna, alice)
    for _ in range(20):
        record_event(
            actor=alice,
            epao=registration.epao,
            action="test.touched",
            obj=registration,
            registration=registration,
            summary="touched again",
        )
    assert _queries(client, alice, url) == few
