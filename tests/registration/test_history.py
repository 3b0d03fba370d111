"""Alice the EPAO admin reads the history of one apprentice's registration.

Each event shows who, when, what changed (before and after) and why; nobody else may read it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.audit.services import record_event
from openepa.registration.models import Registration


@pytest.fixture
def registration(make_registration: Callable[..., Registration]) -> Registration:
    return make_registration()


@pytest.fixture
def moved(registration: Registration, bob: User) -> AuditEvent:
    """Bob moved the planned assessment month, with a reason."""
    return record_event(
        actor=bob,
        epao=registration.epao,
        action="registration.changed",
        obj=registration,
        registration=registration,
        summary="Changed the planned assessment month",
        changes={
            "planned_assessment_month": (date(2026, 7, 1), date(2026, 9, 1)),
            "reasonable_adjustments": ("", "Extra time"),
        },
        reason="The apprentice was ill in June",
    )


def test_alice_sees_who_when_what_and_why(
    login: Callable[[User], Client], alice: User, registration: Registration, moved: AuditEvent
) -> None:
    response = login(alice).get(f"/apprentices/{registration.pk}/history/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Changed the planned assessment month" in html
    assert "Bob Provider" in html
    assert "bob@acme.example" in html
    assert "Planned assessment month" in html
    assert "1 July 2026" in html
    assert "1 September 2026" in html
    assert "Reasonable adjustments" in html
    assert "Not set" in html
    assert "Extra time" in html
    assert "The apprentice was ill in June" in html
    assert "registration.changed" in html


def test_events_are_newest_first_and_other_registrations_are_left_out(
    login: Callable[[User], Client],
    alice: User,
    bob: User,
    registration: Registration,
    make_registration: Callable[..., Registration],
) -> None:
    other = make_registration("st0072-activeiq")
    for number in range(3):
        record_event(
            actor=bob,
            epao=registration.epao,
            action="test.event",
            obj=registration,
            registration=registration,
            summary=f"Event number {number}",
        )
    record_event(
        actor=bob,
        epao=other.epao,
        action="test.event",
        obj=other,
        registration=other,
        summary="Something about someone else",
    )
    html = login(alice).get(f"/apprentices/{registration.pk}/history/").content.decode()
    assert (
        html.index("Event number 2") < html.index("Event number 1") < html.index("Event number 0")
    )
    assert "Something about someone else" not in html


def test_the_history_is_paginated_with_a_fixed_number_of_queries(
    login: Callable[[User], Client],
    alice: User,
    bob: User,
    erin: User,
    registration: Registration,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    for number in range(60):
        record_event(
            actor=bob if number % 2 else erin,
            epao=registration.epao,
            action="test.event",
            obj=registration,
            registration=registration,
            summary=f"Event {number:02d}",
            changes={"status": ("registered", "gateway")},
        )
    client = login(alice)
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        first = client.get(f"/apprentices/{registration.pk}/history/")
    html = first.content.decode()
    assert "Event 59" in html
    assert "Event 34" not in html
    assert "page 1 of 3" in html
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        last = client.get(f"/apprentices/{registration.pk}/history/", {"page": 3})
    assert "Event 00" in last.content.decode()


def test_an_automatic_event_has_no_person(
    login: Callable[[User], Client], alice: User, registration: Registration
) -> None:
    record_event(
        actor=None,
        epao=registration.epao,
        action="registration.window_opened",
        obj=registration,
        registration=registration,
        summary="The EPA window opened",
    )
    assert (
        "OpenEPA, automatically"
        in login(alice).get(f"/apprentices/{registration.pk}/history/").content.decode()
    )


@pytest.mark.parametrize("person", ["anna", "ivy", "bob", "erin", "pat"])
def test_only_epao_admins_may_read_it(
    login: Callable[[User], Client],
    request: pytest.FixtureRequest,
    registration: Registration,
    moved: AuditEvent,
    person: str,
) -> None:
    assert (
        login(request.getfixturevalue(person))
        .get(f"/apprentices/{registration.pk}/history/")
        .status_code
        == 403
    )


def test_mallory_of_another_epao_is_told_it_does_not_exist(
    login: Callable[[User], Client], mallory: User, registration: Registration, moved: AuditEvent
) -> None:
    assert login(mallory).get(f"/apprentices/{registration.pk}/history/").status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(
    client: Client, registration: Registration
) -> None:
    response = client.get(f"/apprentices/{registration.pk}/history/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_a_status_a_mode_and_a_time_read_as_words() -> None:
    from openepa.registration.history import readable

    assert readable("gateway_accepted", "status") == "Gateway accepted"
    assert readable("face_to_face", "mode") == "face to face"
    assert readable("11:30:00", "starts_at") == "11:30"
