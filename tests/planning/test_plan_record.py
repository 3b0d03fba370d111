"""The allocated assessor records the planning meeting and the plan; the page is for everyone
who may see Pat's registration, with a constant number of queries.

Pat is on st0071-highfield (project, discussion, observation), Anna is Pat's assessor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.planning import bookings, plans
from openepa.planning.models import AssessmentPlan, PlannedMethod
from openepa.registration.models import Registration
from tests.planning.conftest import GATEWAY, approve

ADJUSTMENT = "Extra time of 25% for written work"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: GATEWAY)


@pytest.fixture
def pats(
    past_gateway: Callable[..., Registration], anna: User, ivy: User, pat: User
) -> Registration:
    approve(anna, "st0071-highfield")
    return past_gateway(
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
        assessor=anna,
        iqa=ivy,
        reasonable_adjustments=ADJUSTMENT,
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )


def plan_data(revision: int = 0, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "revision": revision,
        "meeting_on_day": 5,
        "meeting_on_month": 8,
        "meeting_on_year": 2026,
        "meeting_notes": "Agreed dates by phone",
        "project_date_day": 21,
        "project_date_month": 9,
        "project_date_year": 2026,
        "project_mode": "face_to_face",
        "project_adjustment": "",
        "discussion_mode": "face_to_face",
        "discussion_adjustment": ADJUSTMENT,
        "observation_mode": "face_to_face",
        "observation_adjustment": "",
    }
    data.update(extra)
    return data


def test_the_form_offers_only_the_modes_the_method_allows_and_prefills_adjustments(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    page = login(anna).get(reverse("planning:plan_edit", args=[pats.pk])).content.decode()
    assert ADJUSTMENT in page
    # Highfield's discussion is face to face only (the rules refuse it remotely).
    assert 'name="discussion_mode" type="radio" value="remote"' not in page
    assert 'name="observation_mode" type="radio" value="remote"' in page


def test_the_assessor_records_the_meeting_and_the_plan(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    response = login(anna).post(reverse("planning:plan_edit", args=[pats.pk]), plan_data())
    assert response.status_code == 302
    plan = AssessmentPlan.objects.get(registration=pats)
    assert (plan.meeting_on, plan.recorded_by) == (date(2026, 8, 5), anna)
    methods = {m.method_id: m for m in PlannedMethod.objects.filter(plan=plan)}
    assert methods["project"].planned_date == date(2026, 9, 21)
    assert methods["discussion"].reasonable_adjustment == ADJUSTMENT
    event = AuditEvent.objects.get(action="planning.plan_recorded")
    assert event.changes["meeting_on"] == {"old": None, "new": "2026-08-05"}


def test_a_mode_the_method_does_not_allow_is_refused(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    response = login(anna).post(
        reverse("planning:plan_edit", args=[pats.pk]), plan_data(discussion_mode="remote")
    )
    assert "Select one of the ways the Professional discussion" in response.content.decode()
    assert not AssessmentPlan.objects.exists()


def test_changing_a_signed_plan_clears_the_signatures(
    pats: Registration, anna: User, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    client.post(reverse("planning:plan_edit", args=[pats.pk]), plan_data())
    plans.sign_plan(pats, anna, revision=2)
    plans.sign_plan(pats, pat, revision=3)
    response = client.post(
        reverse("planning:plan_edit", args=[pats.pk]),
        plan_data(revision=4, project_date_day=28),
    )
    assert response.status_code == 302
    plan = AssessmentPlan.objects.get()
    assert (plan.apprentice_signed_at, plan.assessor_signed_at, plan.employer_told_at) == (
        None,
        None,
        None,
    )
    event = AuditEvent.objects.filter(action="planning.plan_recorded").latest("pk")
    assert event.changes["assessor_signed_by"] == {
        "old": "Anna Assessor <anna@epao.example>",
        "new": None,
    }


def test_a_second_save_from_an_old_page_is_refused_and_keeps_the_first(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    url = reverse("planning:plan_edit", args=[pats.pk])
    client.post(url, plan_data())
    response = client.post(url, plan_data(revision=0, meeting_notes="Another copy"))
    assert "Someone else changed the plan" in response.content.decode()
    assert AssessmentPlan.objects.get().meeting_notes == "Agreed dates by phone"


@pytest.mark.parametrize(
    ("person", "status"),
    [("alice", 403), ("ivy", 403), ("bob", 403), ("erin", 403), ("pat", 403), ("aziz", 404)],
)
def test_only_the_allocated_assessor_records_the_plan(
    pats: Registration,
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    person: str,
    status: int,
) -> None:
    client = login(request.getfixturevalue(person))
    response = client.post(reverse("planning:plan_edit", args=[pats.pk]), plan_data())
    assert response.status_code == status
    assert not AssessmentPlan.objects.exists()


@pytest.mark.parametrize("person", ["alice", "anna", "ivy", "bob", "erin", "pat"])
def test_everyone_who_may_see_pat_sees_the_plan(
    pats: Registration, request: pytest.FixtureRequest, login: Callable[[User], Client], person: str
) -> None:
    response = login(request.getfixturevalue(person)).get(reverse("planning:plan", args=[pats.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("person", ["charlie", "eve", "mallory", "aziz"])
def test_the_plan_is_not_found_outside_pats_scope(
    pats: Registration, request: pytest.FixtureRequest, login: Callable[[User], Client], person: str
) -> None:
    response = login(request.getfixturevalue(person)).get(reverse("planning:plan", args=[pats.pk]))
    assert response.status_code == 404


def test_the_plan_page_keeps_the_same_number_of_queries_with_more_bookings(
    pats: Registration,
    anna: User,
    alice: User,
    login: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = login(alice)
    url = reverse("planning:plan", args=[pats.pk])
    login(anna).post(reverse("planning:plan_edit", args=[pats.pk]), plan_data())
    client = login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for method, on in (("project", date(2026, 9, 21)), ("discussion", date(2026, 9, 28))):
        bookings.book(
            pats,
            alice,
            method_id=method,
            on=on,
            starts_at=time(10, 0),
            minutes=[60],
            mode="face_to_face",
            submissions={},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Monday 21 September 2026" in page
