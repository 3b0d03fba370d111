"""``openepa manage sweep``: now, enqueued, for a given day; a bad date is a clear message."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from openepa.kernel import clock
from openepa.sweep import services
from openepa.sweep.models import SweepRun


def test_a_bad_date_is_refused_with_a_message_not_a_traceback(
    db: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 10))
    with pytest.raises(CommandError) as refused:
        call_command("sweep", "--day", "2026-13-01")
    assert str(refused.value) == (
        "'2026-13-01' is not a date: give the day to sweep as YYYY-MM-DD, e.g. --day 2026-09-10."
    )

    # As from the shell; the command closes the database connections at the end, which
    # would close the test's own connection (and its transaction) on PostgreSQL.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["openepa manage", "sweep", "--day", "tomorrow"]).execute()

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "CommandError: 'tomorrow' is not a date" in err
    assert "Traceback" not in err
    assert not SweepRun.objects.exists()


def test_the_command_sweeps_the_day_given_once(db: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("sweep", "--day", "2026-09-10")
    call_command("sweep", "--day", "2026-09-10")

    out = capsys.readouterr().out
    assert "Swept 0 registrations for 2026-09-10" in out
    assert "The sweep of 2026-09-10 had already finished" in out
    assert SweepRun.objects.get().status == "finished"


def test_enqueue_hands_the_sweep_to_a_worker(
    db: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    days: list[date] = []
    real = services.run_sweep
    monkeypatch.setattr(
        "openepa.sweep.tasks.run_sweep", lambda day, force=False: days.append(day) or real(day)
    )

    call_command("sweep", "--enqueue", "--day", "2026-09-11")

    assert "Enqueued the sweep of 2026-09-11" in capsys.readouterr().out
    assert days == [date(2026, 9, 11)]  # the tests' backend runs a task at once
    assert SweepRun.objects.get().day == date(2026, 9, 11)
