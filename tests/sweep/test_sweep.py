"""The daily sweep: each reminder once, inside its lead time, to the people concerned.

Pat is on st0071-highfield (gateway accepted 3 August 2026, window ends 2 November 2026): the
project report is submitted, the project interview is booked on 14 September and the
professional discussion on 28 September, so the portfolio is due by 14 September (2 weeks
before the discussion). The lead time is 7 days: the portfolio reminder is due from
7 September. Bob (provider), Erin (employer) and Anna (the assessor) are reminded with Pat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import User
from openepa.notifications.kinds import REMINDER_KINDS
from openepa.notifications.models import Notification
from openepa.notifications.services import set_reminders
from openepa.planning.models import AssessmentPlan, Booking
from openepa.registration.models import Registration
from openepa.results.reassessment import reassessment_state
from openepa.specifications.services import rules_for
from openepa.sweep import reminders, services
from openepa.sweep.deadlines import collect_deadlines, load_batch
from openepa.sweep.models import SweepRun
from openepa.sweep.services import run_sweep
from tests.epa import accept, policy_without_sampling
from tests.planning.conftest import book
from tests.results.test_reassessment_support import assess, failed_highfield

PORTFOLIO_DUE = date(2026, 9, 14)


@pytest.fixture(autouse=True)
def lead_time(settings: Any) -> None:
    settings.REMINDER_LEAD_DAYS = 7


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Callable[..., services.SweepSummary]:
    """Run the sweep for a day and send the emails it queued (as the worker would)."""

    def run(day: date, **options: Any) -> services.SweepSummary:
        with django_capture_on_commit_callbacks(execute=True):
            return run_sweep(day, **options)

    return run


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
        window_end=date(2026, 11, 2),
    )
    AssessmentPlan.objects.create(registration=registration, report_submitted_on=date(2026, 8, 28))
    book(registration, "project", date(2026, 9, 14), anna, alice)
    book(registration, "discussion", date(2026, 9, 28), anna, alice)
    return registration


def sent_to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


PEOPLE = ["anna@epao.example", "bob@acme.example", "erin@bright.example", "pat@learner.example"]


def test_a_reminder_is_not_sent_before_its_lead_time_and_is_sent_inside_it(
    pats: Registration, sweep: Callable[..., services.SweepSummary]
) -> None:
    before = sweep(PORTFOLIO_DUE - timedelta(days=8))

    assert mail.outbox == []
    assert (before.registrations, before.reminders, before.notifications) == (1, 0, 0)

    inside = sweep(PORTFOLIO_DUE - timedelta(days=7))

    assert (inside.reminders, inside.notifications) == (1, 4)
    assert sent_to() == PEOPLE
    message = next(m for m in mail.outbox if m.to == ["pat@learner.example"])
    assert "14 September 2026" in message.subject
    assert "Portfolio of evidence submitted 2 weeks before the professional discussion" in (
        message.body
    )
    assert "portfolio-submission" in message.body  # the rule that set the date


def test_running_the_sweep_twice_sends_each_reminder_once(
    pats: Registration, sweep: Callable[..., services.SweepSummary]
) -> None:
    day = PORTFOLIO_DUE - timedelta(days=3)
    first = sweep(day)
    again = sweep(day)
    forced = sweep(day, force=True)
    next_day = sweep(day + timedelta(days=1))

    assert sent_to() == PEOPLE
    assert again.skipped
    assert again.notifications == first.notifications == 4
    assert not forced.skipped
    assert forced.reminders == 1
    assert forced.notifications == 0
    assert next_day.reminders == 1
    assert next_day.notifications == 0
    run = SweepRun.objects.get(day=day)
    assert (run.status, run.registrations, run.reminders) == ("finished", 1, 1)
    assert run.finished_at is not None
    assert Notification.objects.filter(kind="reminder_submission_due").count() == 4


def test_a_moved_deadline_sends_a_new_reminder(
    pats: Registration, sweep: Callable[..., services.SweepSummary]
) -> None:
    sweep(date(2026, 9, 8))
    assert len(mail.outbox) == 4
    Booking.objects.filter(registration=pats, method_id="discussion").update(on=date(2026, 10, 5))

    sweep(date(2026, 9, 15))

    # The portfolio is now due by 21 September: a new reminder to each person.
    assert len(mail.outbox) == 8
    assert all("21 September 2026" in m.subject for m in mail.outbox[4:])
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {
        f"reminder:submission_due:{pats.pk}:2026-09-14",
        f"reminder:submission_due:{pats.pk}:2026-09-21",
    }


def test_a_submitted_portfolio_is_not_reminded_of(
    pats: Registration, sweep: Callable[..., services.SweepSummary]
) -> None:
    AssessmentPlan.objects.filter(registration=pats).update(portfolio_submitted_on=date(2026, 9, 1))

    sweep(date(2026, 9, 10))

    assert mail.outbox == []


def test_a_user_who_turned_the_reminder_off_gets_none(
    pats: Registration, erin: User, sweep: Callable[..., services.SweepSummary]
) -> None:
    set_reminders(erin, [k for k in REMINDER_KINDS if k != "reminder_submission_due"])

    sweep(date(2026, 9, 10))

    assert "erin@bright.example" not in sent_to()
    assert sent_to() == [p for p in PEOPLE if p != "erin@bright.example"]


def test_the_window_ending_is_reminded_of_while_a_method_is_not_booked(
    pats: Registration, sweep: Callable[..., services.SweepSummary]
) -> None:
    sweep(date(2026, 10, 27))

    assert sent_to() == PEOPLE
    assert all("ends on 2 November 2026" in m.subject for m in mail.outbox)
    assert "(not booked yet: Practical observation with Q&As)" in mail.outbox[0].body


def test_no_window_reminder_once_every_method_is_booked_within_it(
    pats: Registration, anna: User, alice: User, sweep: Callable[..., services.SweepSummary]
) -> None:
    book(pats, "observation", date(2026, 10, 20), anna, alice)

    sweep(date(2026, 10, 27))

    assert mail.outbox == []


def test_the_resit_deadline_goes_to_the_apprentice_employer_and_provider(
    make_registration: Callable[..., Registration],
    pat: User,
    anna: User,
    alice: User,
    bob: User,
    erin: User,
    sweep: Callable[..., services.SweepSummary],
) -> None:
    registration, _ = failed_highfield(
        make_registration, anna, alice, released=date(2026, 1, 10), apprentice_user=pat
    )
    state = reassessment_state(registration, on=date(2027, 1, 4))
    assert state.deadline is not None
    assert state.deadline.ends_on == date(2027, 1, 10)
    mail.outbox.clear()

    (item,) = collect_deadlines(load_batch(0))
    sweep(date(2027, 1, 4))

    assert (item.kind, item.due) == ("resit_deadline", state.deadline.ends_on)
    assert sent_to() == ["bob@acme.example", "erin@bright.example", "pat@learner.example"]
    assert all("10 January 2027" in m.subject for m in mail.outbox)
    assert "12 months" in mail.outbox[0].body


def test_results_due_go_to_the_epao_admins(
    make_registration: Callable[..., Registration],
    anna: User,
    alice: User,
    bob: User,
    sweep: Callable[..., services.SweepSummary],
) -> None:
    registration = accept(make_registration("st0071-nqual"), anna)
    policy_without_sampling(registration.epao)
    spec, _ = rules_for(registration.specification)
    assess(registration, anna, [m.id for m in spec.methods])
    mail.outbox.clear()

    # Assessed on 15 September 2026: results due 10 working days later, 29 September.
    sweep(date(2026, 9, 21))
    early = list(mail.outbox)
    sweep(date(2026, 9, 22))

    assert early == []
    assert sent_to() == ["alice@epao.example"]
    assert "29 September 2026" in mail.outbox[0].subject
    assert "10 working days" in mail.outbox[0].body


def test_a_crashed_sweep_is_run_again_and_a_running_one_is_left_alone(
    pats: Registration,
    sweep: Callable[..., services.SweepSummary],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    day = date(2026, 9, 10)

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the mail templates are missing")

    monkeypatch.setattr(reminders, "send_reminders", broken)
    with pytest.raises(RuntimeError):
        sweep(day)
    run = SweepRun.objects.get(day=day)
    assert run.status == "failed"
    assert "the mail templates are missing" in run.error
    monkeypatch.undo()

    again = sweep(day)

    assert not again.skipped
    assert again.notifications == 4
    assert SweepRun.objects.get(day=day).status == "finished"
    # A run started a minute ago is still going elsewhere: not started twice...
    SweepRun.objects.create(day=day + timedelta(days=1), status="running")
    assert sweep(day + timedelta(days=1)).skipped
    # ...but one started more than an hour ago has crashed and is run again.
    SweepRun.objects.filter(day=day + timedelta(days=1)).update(
        started_at=timezone.now() - timedelta(hours=2)
    )
    assert not sweep(day + timedelta(days=1)).skipped


def test_the_queries_of_a_batch_do_not_grow_with_its_size(
    make_registration: Callable[..., Registration],
    anna: User,
    alice: User,
    pat: User,
) -> None:
    policy_without_sampling(alice.epao)

    def one_of_each() -> None:
        timeline = accept(make_registration("st0071-highfield"), anna)
        AssessmentPlan.objects.create(registration=timeline, report_submitted_on=date(2026, 8, 28))
        book(timeline, "project", date(2026, 9, 14), anna, alice)
        failed_highfield(make_registration, anna, alice, released=date(2026, 1, 10))
        waiting = accept(make_registration("st0071-nqual"), anna)
        assess(waiting, anna, ["observation"])

    one_of_each()
    one_of_each()
    one_of_each()
    collect_deadlines(load_batch(0, 3))  # the specifications are parsed once per process

    def queries(size: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = collect_deadlines(load_batch(0, size))
        return len(captured), len({d.kind for d in found})

    small, large = queries(3), queries(9)
    assert small[1] == large[1] == 4  # every kind of deadline in both batches
    assert small[0] == large[0] <= 8, (small, large)
