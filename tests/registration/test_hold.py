"""A break in learning: the registration is put on hold, its clocks and reminders stop, and it
resumes with the EPA window moved on by the days on hold.

Pat is on st0071-highfield, gateway accepted 3 August 2026, window ending 2 November 2026 (the
specification's "3-month end-assessment window", calendar months). The portfolio is due by
14 September 2026 (2 weeks before the discussion on 28 September); reminders start 7 days
before. Pat takes a break from 1 September and comes back on 21 September: 20 days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.kernel import clock
from openepa.planning.models import AssessmentPlan
from openepa.registration.lifecycle import (
    LifecycleRefused,
    RegistrationChanged,
    hold,
    resume,
)
from openepa.registration.models import Registration
from openepa.sweep.services import run_sweep
from tests.epa import accept
from tests.planning.conftest import book

HELD_FROM = date(2026, 9, 1)
RESUMED_ON = date(2026, 9, 21)
WINDOW_END = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def reminders_a_week_ahead(settings: Any) -> None:
    settings.REMINDER_LEAD_DAYS = 7


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the one clock's day."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    set_day(HELD_FROM)
    return set_day


@pytest.fixture
def pats(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    alice: User,
    bob: User,
    erin: User,
) -> Registration:
    registration = accept(
        make_registration("st0071-highfield", apprentice_user=pat, given_names="Pat"),
        anna,
        window_end=WINDOW_END,
    )
    AssessmentPlan.objects.create(registration=registration, report_submitted_on=date(2026, 8, 28))
    book(registration, "project", date(2026, 9, 14), anna, alice)
    book(registration, "discussion", date(2026, 9, 28), anna, alice)
    return registration


def sweep(day: date, capture: Any) -> int:
    with capture(execute=True):
        return run_sweep(day, force=True).notifications


def test_hold_stops_the_sweeps_reminders(
    pats: Registration,
    bob: User,
    today: Callable[[date], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    hold(
        pats,
        bob,
        held_from=HELD_FROM,
        expected_return=date(2026, 10, 1),
        reason="Break in learning: illness",
        revision=pats.revision,
    )
    assert sweep(date(2026, 9, 10), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    pats.refresh_from_db()
    assert pats.status == Registration.Status.ON_HOLD

    # The same day without the break: the portfolio reminder goes to all four.
    today(RESUMED_ON)
    resume(pats, bob, resumed_on=date(2026, 9, 9), revision=pats.revision)
    assert sweep(date(2026, 9, 10), django_capture_on_commit_callbacks) == 4


def test_hold_shows_the_window_and_deadlines_paused(
    login: Callable[[User], Client],
    pats: Registration,
    alice: User,
    today: Callable[[date], None],
) -> None:
    client = login(alice)
    page = client.get(f"/apprentices/{pats.pk}/hold/").content.decode().replace("&#x27;", "'")
    assert "Put Pat Example on hold" in page
    response = client.post(
        f"/apprentices/{pats.pk}/hold/",
        {
            "revision": str(pats.revision),
            "held_from_day": "1",
            "held_from_month": "9",
            "held_from_year": "2026",
            "expected_return_day": "1",
            "expected_return_month": "10",
            "expected_return_year": "2026",
            "reason": "Break in learning: illness",
        },
        follow=True,
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert "Pat Example is on hold from 1 September 2026" in html  # the success banner
    assert "Paused while on hold" in html
    assert "2 November 2026" in html
    assert "Break in learning: illness" in html
    timeline = (
        client.get(f"/planning/apprentices/{pats.pk}/timeline/")
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "paused" in timeline.lower()
    event = AuditEvent.objects.get(action="registration.held")
    assert (event.actor, event.reason) == (alice, "Break in learning: illness")
    assert event.changes["status"] == {"old": "gateway_accepted", "new": "on_hold"}


def test_resume_moves_the_window_end_by_the_days_on_hold(
    login: Callable[[User], Client],
    pats: Registration,
    bob: User,
    today: Callable[[date], None],
) -> None:
    hold(
        pats,
        bob,
        held_from=HELD_FROM,
        expected_return=date(2026, 10, 1),
        reason="Illness",
        revision=pats.revision,
    )
    today(RESUMED_ON)
    pats.refresh_from_db()
    response = login(bob).post(
        f"/apprentices/{pats.pk}/resume/",
        {
            "revision": str(pats.revision),
            "resumed_on_day": "21",
            "resumed_on_month": "9",
            "resumed_on_year": "2026",
        },
        follow=True,
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert "Pat Example has resumed" in html
    assert "22 November 2026" in html  # 2 November plus the 20 days on hold
    pats.refresh_from_db()
    assert pats.status == Registration.Status.GATEWAY_ACCEPTED
    assert pats.epa_window_end == date(2026, 11, 22)
    event = AuditEvent.objects.get(action="registration.resumed")
    assert event.changes["epa_window_end"] == {"old": "2026-11-02", "new": "2026-11-22"}
    assert event.changes["status"] == {"old": "on_hold", "new": "gateway_accepted"}


def test_hold_needs_a_reason_and_dates_in_order(
    login: Callable[[User], Client], pats: Registration, bob: User, today: Callable[[date], None]
) -> None:
    response = login(bob).post(
        f"/apprentices/{pats.pk}/hold/",
        {
            "revision": str(pats.revision),
            "held_from_day": "1",
            "held_from_month": "9",
            "held_from_year": "2026",
            "expected_return_day": "1",
            "expected_return_month": "8",
            "expected_return_year": "2026",
            "reason": "",
        },
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert "There is a problem" in html
    assert "Expected return must be after the first day of the break" in html
    assert "Enter the reason for the break in learning" in html
    with pytest.raises(LifecycleRefused, match="must have started"):
        hold(
            pats,
            bob,
            held_from=date(2026, 9, 2),
            expected_return=date(2026, 10, 1),
            reason="Later",
            revision=pats.revision,
        )
    pats.refresh_from_db()
    assert pats.status == Registration.Status.GATEWAY_ACCEPTED


def test_hold_refused_when_someone_else_changed_it(
    pats: Registration, bob: User, alice: User, today: Callable[[date], None]
) -> None:
    seen = pats.revision
    hold(
        pats,
        alice,
        held_from=HELD_FROM,
        expected_return=date(2026, 10, 1),
        reason="x",
        revision=seen,
    )
    with pytest.raises(RegistrationChanged, match="Alice Admin changed this registration"):
        resume(pats, bob, resumed_on=HELD_FROM, revision=seen)


def test_hold_and_resume_only_by_the_admin_and_the_provider(
    login: Callable[[User], Client],
    pats: Registration,
    erin: User,
    anna: User,
    charlie: User,
    today: Callable[[date], None],
) -> None:
    for action in ("hold", "resume"):
        assert login(erin).get(f"/apprentices/{pats.pk}/{action}/").status_code == 403
        assert login(anna).get(f"/apprentices/{pats.pk}/{action}/").status_code == 403
        assert login(charlie).get(f"/apprentices/{pats.pk}/{action}/").status_code == 404
