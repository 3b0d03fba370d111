"""The EPA timeline: every date the rules produce, done, due or overdue, and which rule made it.

Pat is on st0071-highfield; the gateway was accepted on Monday 3 August 2026 and the EPA window
ends on 2 November 2026. Today is frozen at Sunday 20 September 2026. Quinn is on
st0072-activeiq with the same gateway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.planning import timeline
from openepa.planning.models import AssessmentPlan
from openepa.registration.models import Registration
from tests.planning.conftest import book

TODAY = date(2026, 9, 20)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def by_name(entries: list[timeline.Entry], words: str) -> timeline.Entry:
    return next(e for e in entries if words in e.name)


@pytest.fixture
def pats(
    past_gateway: Callable[..., Registration], pat: User, anna: User, alice: User
) -> Registration:
    """Pat's Highfield registration: report sent, portfolio not, project and discussion booked."""
    registration = past_gateway("st0071-highfield", apprentice_user=pat, assessor=anna)
    AssessmentPlan.objects.create(
        registration=registration,
        meeting_on=date(2026, 8, 7),
        report_submitted_on=date(2026, 8, 28),
    )
    book(registration, "project", date(2026, 9, 14), anna, alice)
    book(registration, "discussion", date(2026, 9, 28), anna, alice)
    return registration


def test_highfield_timeline_marks_each_date_done_due_or_overdue(
    pats: Registration, login: Callable[[User], Client], pat: User
) -> None:
    response = login(pat).get(reverse("planning:timeline", args=[pats.pk]))

    assert response.status_code == 200
    entries = response.context["entries"]
    report = by_name(entries, "Project report submitted")
    assert (report.date, report.status, report.done_on) == (
        date(2026, 8, 31),
        "done",
        date(2026, 8, 28),
    )
    assert report.produced_by.startswith("report-submission:")
    portfolio = by_name(entries, "Portfolio of evidence")
    assert (portfolio.date, portfolio.status) == (date(2026, 9, 14), "overdue")
    assert "Highfield" in portfolio.quote
    window = by_name(entries, "window")
    assert (window.date, window.status) == (date(2026, 11, 2), "due")
    assert window.produced_by == "epa-window: the EPA window end recorded for this apprentice"
    assert by_name(entries, "supported by an interview booked").status == "done"
    discussion = by_name(entries, "portfolio of evidence booked")
    assert (discussion.date, discussion.status) == (date(2026, 9, 28), "due")
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    html = response.content.decode()
    for status in ("Overdue", "Due", "Done"):
        assert status in html
    assert "portfolio-submission: Portfolio of evidence submitted 2 weeks" in html


def test_activeiq_timeline_without_a_plan_shows_gateway_window_and_bookings(
    past_gateway: Callable[..., Registration],
    login: Callable[[User], Client],
    alice: User,
    anna: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quinn = past_gateway("st0072-activeiq", given_names="Quinn", assessor=anna)
    book(quinn, "observation", date(2026, 10, 5), anna, alice)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 9))

    response = login(alice).get(reverse("planning:timeline", args=[quinn.pk]))

    entries = response.context["entries"]
    assert by_name(entries, "Gateway accepted").status == "done"
    window = next(e for e in entries if e.produced_by.startswith("epa-window"))
    assert (window.date, window.status) == (date(2026, 11, 2), "overdue")
    observation = by_name(entries, "booked")
    assert (observation.date, observation.status) == (date(2026, 10, 5), "done")
    assert "planning:booking_ics" not in response.content.decode()
    assert reverse("planning:booking_ics", args=[quinn.pk, observation.booking.pk]) in (
        response.content.decode()
    )


def test_a_submission_done_late_is_done_not_overdue(
    pats: Registration, login: Callable[[User], Client], erin: User
) -> None:
    AssessmentPlan.objects.filter(registration=pats).update(
        portfolio_submitted_on=date(2026, 9, 16)
    )

    entries = login(erin).get(reverse("planning:timeline", args=[pats.pk])).context["entries"]

    portfolio = by_name(entries, "Portfolio of evidence")
    assert (portfolio.status, portfolio.done_on) == ("done", date(2026, 9, 16))


def test_before_the_gateway_the_timeline_says_so(
    make_registration: Callable[..., Registration], login: Callable[[User], Client], bob: User
) -> None:
    registration = make_registration("st0071-highfield")

    response = login(bob).get(reverse("planning:timeline", args=[registration.pk]))

    assert response.status_code == 200
    assert "No gateway date is recorded" in response.content.decode()


def test_charlie_at_another_provider_cannot_find_pats_timeline(
    pats: Registration, login: Callable[[User], Client], charlie: User
) -> None:
    assert login(charlie).get(reverse("planning:timeline", args=[pats.pk])).status_code == 404


def test_the_apprentice_page_links_to_the_timeline(
    pats: Registration, login: Callable[[User], Client], alice: User
) -> None:
    response = login(alice).get(reverse("registration:detail", args=[pats.pk]))

    assert reverse("planning:timeline", args=[pats.pk]) in response.content.decode()


def test_the_window_is_not_done_while_the_last_booking_is_still_ahead(
    pats: Registration, anna: User, alice: User
) -> None:
    book(pats, "observation", date(2026, 10, 12), anna, alice)
    window = by_name(timeline.timeline(pats), "window")
    assert window.status == "due"
    assert by_name(timeline.timeline(pats, on=date(2026, 10, 13)), "window").status == "done"
