"""Plausible dates on the plan: the meeting after the gateway and within the EPA window, and
each method planned inside the window or confirmed by the assessor after a warning.

Pat's gateway was accepted on 3 August 2026 and the window ends on 2 November 2026; Anna is
Pat's assessor. Today is 5 August 2026.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.planning import plans
from openepa.planning.models import AssessmentPlan, PlannedMethod
from openepa.planning.services import PlanningRefused
from openepa.registration.models import Registration
from tests.planning.conftest import GATEWAY, approve


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 5))


@pytest.fixture
def pats(past_gateway: Callable[..., Registration], anna: User, pat: User) -> Registration:
    approve(anna, "st0071-highfield")
    return past_gateway(apprentice_user=pat, assessor=anna)


def plan_data(meeting: date, project: date, **extra: str) -> dict[str, Any]:
    return {
        "revision": "0",
        "meeting_on_day": meeting.day,
        "meeting_on_month": meeting.month,
        "meeting_on_year": meeting.year,
        "project_date_day": project.day,
        "project_date_month": project.month,
        "project_date_year": project.year,
        "project_mode": "face_to_face",
        "discussion_mode": "face_to_face",
        "observation_mode": "face_to_face",
        **extra,
    }


def post(client: Client, registration: Registration, data: dict[str, Any]) -> tuple[int, str]:
    response = client.post(reverse("planning:plan_edit", args=[registration.pk]), data)
    return response.status_code, html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("meeting", "message"),
    [
        (
            date(2030, 8, 5),
            "The planning meeting on 5 August 2030 is after the EPA window ends on 2 November 2026",
        ),
        (
            date(2026, 7, 1),
            "The planning meeting on 1 July 2026 is before the gateway on 3 August 2026",
        ),
    ],
)
def test_a_planning_meeting_outside_the_gateway_and_window_is_refused(
    pats: Registration, anna: User, login: Callable[[User], Client], meeting: date, message: str
) -> None:
    status, page = post(login(anna), pats, plan_data(meeting, date(2026, 9, 21)))
    assert status == 200
    assert "There is a problem" in page
    assert message in page
    assert not AssessmentPlan.objects.filter(registration=pats, meeting_on__isnull=False).exists()


def test_a_method_planned_outside_the_window_is_saved_only_once_confirmed(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    data = plan_data(GATEWAY, date(2027, 1, 11))
    status, page = post(client, pats, data)
    assert status == 200
    assert (
        "The Work-based project supported by an interview is planned for 11 January 2027, after "
        "the EPA window ends on 2 November 2026" in page
    )
    assert "Read the warnings below, then tick the box to save the plan anyway" in page
    assert not PlannedMethod.objects.exists()
    status, _ = post(client, pats, {**data, "confirm": "on"})
    assert status == 302
    assert PlannedMethod.objects.get(method_id="project").planned_date == date(2027, 1, 11)


def test_record_plan_refuses_a_meeting_in_2030(pats: Registration, anna: User) -> None:
    methods = {
        m: plans.MethodPlan(None, "face_to_face", "")
        for m in ("project", "discussion", "observation")
    }
    with pytest.raises(PlanningRefused) as refused:
        plans.record_plan(
            pats,
            anna,
            revision=0,
            meeting_on=date(2030, 1, 7),
            meeting_notes="",
            methods=methods,
        )
    assert refused.value.field == "meeting_on"
