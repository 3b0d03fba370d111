"""The apprentice and the assessor each sign their agreement to the plan as themselves; when
both have signed, the employer (Erin at Bright Retail) is told by email. Nobody else signs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.planning import plans
from openepa.planning.models import AssessmentPlan
from openepa.registration.models import Registration
from tests.planning.conftest import approve


@pytest.fixture
def planned(
    past_gateway: Callable[..., Registration], anna: User, ivy: User, pat: User, erin: User
) -> Registration:
    """Pat's Highfield registration with the plan recorded by Anna (plan revision 2)."""
    approve(anna, "st0071-highfield")
    registration = past_gateway(
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
        assessor=anna,
        iqa=ivy,
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    plans.record_plan(
        registration,
        anna,
        revision=0,
        meeting_on=date(2026, 8, 5),
        meeting_notes="",
        methods={
            "project": plans.MethodPlan(date(2026, 9, 21), "face_to_face", ""),
            "discussion": plans.MethodPlan(date(2026, 9, 28), "face_to_face", ""),
            "observation": plans.MethodPlan(date(2026, 10, 5), "face_to_face", ""),
        },
    )
    return registration


def sign(client: Client, registration: Registration, revision: int) -> int:
    url = reverse("planning:plan_sign", args=[registration.pk])
    return client.post(url, {"revision": revision, "agree": "on"}).status_code


def test_pat_and_anna_sign_as_themselves_and_erin_is_told(
    planned: Registration,
    pat: User,
    anna: User,
    login: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    page = login(pat).get(reverse("planning:plan", args=[planned.pk])).content.decode()
    assert "I agree to be assessed according to the assessment plan" in page
    assert sign(login(pat), planned, 2) == 302
    plan = AssessmentPlan.objects.get()
    assert (plan.apprentice_signed_by, plan.assessor_signed_by) == (pat, None)
    assert plan.employer_told_at is None
    page = login(anna).get(reverse("planning:plan", args=[planned.pk])).content.decode()
    assert "I have discussed the planned assessments with the apprentice" in page
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        assert sign(login(anna), planned, 3) == 302
    plan.refresh_from_db()
    assert plan.assessor_signed_by == anna
    assert plan.agreed
    assert plan.employer_told_at is not None
    assert [m.to for m in mail.outbox] == [["erin@bright.example"]]
    assert "Monday 21 September 2026" in mail.outbox[0].body
    page = login(anna).get(reverse("planning:plan", args=[planned.pk])).content.decode()
    assert "by Pat Apprentice on" in page
    assert "by Anna Assessor on" in page
    assert AuditEvent.objects.filter(action="planning.plan_signed").count() == 2


def test_signing_needs_the_box_ticked(
    planned: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(pat)
    response = client.post(reverse("planning:plan_sign", args=[planned.pk]), {"revision": 2})
    assert response.status_code == 400
    summary = response.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "Tick the box to confirm you agree" in summary
    assert 'href="#id_agree"' in summary
    assert AssessmentPlan.objects.get().apprentice_signed_at is None


def test_signing_a_plan_changed_since_it_was_read_is_refused(
    planned: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(pat)
    response = client.post(
        reverse("planning:plan_sign", args=[planned.pk]), {"revision": 1, "agree": "on"}
    )
    assert response.status_code == 400
    summary = response.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "changed" in summary
    assert AssessmentPlan.objects.get().apprentice_signed_at is None


@pytest.mark.parametrize(
    ("person", "status"),
    [("alice", 403), ("ivy", 403), ("bob", 403), ("erin", 403), ("aziz", 404), ("mallory", 403)],
)
def test_nobody_else_signs(
    planned: Registration,
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    person: str,
    status: int,
) -> None:
    assert sign(login(request.getfixturevalue(person)), planned, 2) == status
    plan = AssessmentPlan.objects.get()
    assert (plan.apprentice_signed_at, plan.assessor_signed_at) == (None, None)
