"""Evidence already accepted counts: the gateway's portfolio and evidence, the project report.

Pat is on st0071-highfield; the gateway was accepted on Monday 3 August 2026 (today, frozen)
and Anna is his assessor. His portfolio was submitted at gateway on Monday 20 July 2026 and
accepted on 22 July. Highfield wants the portfolio two weeks before the professional
discussion and the project report two weeks before the project's interview.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import User
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent, GatewaySubmission
from openepa.kernel import clock
from openepa.planning import evidence, timeline
from openepa.planning.models import AssessmentPlan, Booking
from openepa.registration.models import Registration
from openepa.submissions import uploads
from openepa.submissions.models import Submission
from openepa.sweep.deadlines import collect_deadlines, load_batch
from tests.planning.conftest import GATEWAY, approve, book
from tests.planning.test_booking_add import booking_data

SUBMITTED = date(2026, 7, 20)
REGISTERED = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: GATEWAY)


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def accept_at_gateway(
    registration: Registration, uses: str, submitted: date, by: User, admin: User
) -> GatewayComponent:
    """The registration's gateway component that ``uses`` this, submitted and accepted."""
    create_components(registration)
    component = registration.gateway_components.get(uses=uses)
    GatewaySubmission.objects.create(
        component=component,
        attempt=1,
        submitted_by=by,
        submitted_at=noon(submitted),
        decision=GatewaySubmission.Decision.ACCEPTED,
        decided_by=admin,
        decided_at=noon(submitted + timedelta(days=2)),
    )
    component.status = GatewayComponent.Status.ACCEPTED
    component.attempts = 1
    component.accepted_at = noon(submitted + timedelta(days=2))
    component.accepted_by = admin
    component.save()
    return component


def report(registration: Registration, pat: User, submitted: date) -> Submission:
    """Pat's project report, uploaded and dated ``submitted``."""
    upload = SimpleUploadedFile("report.txt", b"My project report. " * 50, "text/plain")
    sent = uploads.submit_file(registration, pat, method_id="project", kind="report", upload=upload)
    Submission.objects.filter(pk=sent.pk).update(submitted_at=noon(submitted))
    return sent


@pytest.fixture
def pats(
    past_gateway: Callable[..., Registration], anna: User, ivy: User, pat: User
) -> Registration:
    approve(anna, "st0071-highfield", "st0072-activeiq")
    return past_gateway(
        apprentice_user=pat,
        given_names="Pat",
        family_name="Apprentice",
        assessor=anna,
        iqa=ivy,
        created_at=REGISTERED,
    )


@pytest.fixture
def portfolio_accepted(pats: Registration, bob: User, alice: User) -> GatewayComponent:
    return accept_at_gateway(pats, "portfolio", SUBMITTED, bob, alice)


def post_booking(client: Client, registration: Registration, method: str, on: date) -> Any:
    data = booking_data(method, on, confirm="on")
    return client.post(reverse("planning:booking_add", args=[registration.pk]), data)


def test_a_portfolio_accepted_at_gateway_lets_the_discussion_be_booked(
    pats: Registration, anna: User, bob: User, alice: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    refused = post_booking(client, pats, "discussion", date(2026, 8, 10))
    assert "not recorded as done" in refused.content.decode()

    accept_at_gateway(pats, "portfolio", SUBMITTED, bob, alice)
    page = client.get(reverse("planning:booking_add", args=[pats.pk])).content.decode()
    assert "20 July 2026, the portfolio accepted at gateway" in page
    assert 'name="portfolio_submitted_on_day"' not in page
    assert post_booking(client, pats, "discussion", date(2026, 8, 10)).status_code == 302
    assert Booking.objects.get(registration=pats).method_id == "discussion"


def test_a_submitted_report_lets_the_projects_interview_be_booked(
    pats: Registration, anna: User, pat: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    refused = post_booking(client, pats, "project", date(2026, 8, 10))
    assert "not recorded as done" in refused.content.decode()

    report(pats, pat, date(2026, 7, 24))
    assert post_booking(client, pats, "project", date(2026, 8, 10)).status_code == 302


@pytest.mark.usefixtures("portfolio_accepted")
def test_the_timeline_shows_an_accepted_portfolio_done(
    pats: Registration, anna: User, alice: User
) -> None:
    book(pats, "discussion", date(2026, 9, 28), anna, alice)
    entries = timeline.timeline(pats, date(2026, 9, 20))
    portfolio = next(e for e in entries if e.name.startswith("Portfolio of evidence"))
    assert (portfolio.status, portfolio.done_on) == ("done", SUBMITTED)


@pytest.mark.usefixtures("portfolio_accepted")
def test_the_plan_shows_the_dates_of_the_accepted_portfolio_and_the_submitted_report(
    pats: Registration, pat: User, login: Callable[[User], Client]
) -> None:
    report(pats, pat, date(2026, 7, 24))
    page = login(pat).get(reverse("planning:plan", args=[pats.pk])).content.decode()
    assert "Submission dates" in page
    assert "20 July 2026" in page
    assert "the portfolio accepted at gateway" in page
    assert "24 July 2026" in page
    assert "the project report submitted" in page


def test_a_date_recorded_on_the_plan_still_shows_where_there_is_no_evidence(
    pats: Registration, login: Callable[[User], Client], pat: User
) -> None:
    AssessmentPlan.objects.create(registration=pats, project_started_on=date(2026, 8, 4))
    page = login(pat).get(reverse("planning:plan", args=[pats.pk])).content.decode()
    assert "4 August 2026" in page
    assert "recorded on the plan" in page


def test_an_active_iq_plan_shows_no_project_fields(
    past_gateway: Callable[..., Registration],
    anna: User,
    pat: User,
    login: Callable[[User], Client],
) -> None:
    quinn = past_gateway("st0072-activeiq", apprentice_user=pat, assessor=anna)
    AssessmentPlan.objects.create(registration=quinn, meeting_on=date(2026, 8, 5))
    form = login(anna).get(reverse("planning:booking_add", args=[quinn.pk])).context["form"]
    assert [f.name for f in form.submission_fields()] == ["portfolio_submitted_on"]
    page = login(pat).get(reverse("planning:plan", args=[quinn.pk])).content.decode()
    assert "Portfolio submitted" in page
    for project_only in ("Project started", "Project completed", "Project report submitted"):
        assert project_only not in page


def test_highfields_plan_form_keeps_its_project_fields(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    form = login(anna).get(reverse("planning:booking_add", args=[pats.pk])).context["form"]
    assert [f.name for f in form.submission_fields()] == [
        "portfolio_submitted_on",
        "report_submitted_on",
        "project_started_on",
        "project_completed_on",
    ]


@pytest.mark.usefixtures("portfolio_accepted")
def test_an_accepted_portfolio_is_neither_at_risk_nor_reminded(
    pats: Registration, anna: User, alice: User
) -> None:
    book(pats, "discussion", date(2026, 8, 10), anna, alice)
    filters = timeline.AtRiskFilters(days=0)
    assert list(timeline.at_risk(alice, filters, on=date(2026, 8, 5))) == []
    reminded = [d.what for d in collect_deadlines(load_batch(0))]
    assert not any("Portfolio" in what for what in reminded)


def test_the_gateway_evidence_is_dated_once_every_required_upload_is_accepted(
    past_gateway: Callable[..., Registration], bob: User, alice: User
) -> None:
    """NQual: all evidence uploaded 10 working days before the EPA."""
    nqual = past_gateway("st0071-nqual")
    accept_at_gateway(nqual, "portfolio", SUBMITTED, bob, alice)
    assert "gateway_evidence_uploaded_on" not in evidence.evidence_dates([nqual.pk])[nqual.pk]
    form = nqual.gateway_components.get(requirement_id="gateway-form")
    GatewaySubmission.objects.create(
        component=form,
        attempt=1,
        submitted_by=bob,
        submitted_at=noon(date(2026, 7, 23)),
        decision=GatewaySubmission.Decision.ACCEPTED,
    )
    GatewayComponent.objects.filter(pk=form.pk).update(status=GatewayComponent.Status.ACCEPTED)
    dates = evidence.evidence_dates([nqual.pk])[nqual.pk]
    assert dates["gateway_evidence_uploaded_on"].on == date(2026, 7, 23)
    assert dates["portfolio_submitted_on"].on == SUBMITTED


def test_the_report_kind_is_the_submissions_apps() -> None:
    """Planning reads reports without importing submissions: the kind must stay in step."""
    assert evidence.REPORT_KIND == Submission.Kind.REPORT
