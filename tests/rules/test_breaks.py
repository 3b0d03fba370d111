"""Where the EPA window ends after a break in learning (pure Python)."""

from __future__ import annotations

from datetime import date

from openepa.rules.breaks import window_after_break

GATEWAY = date(2026, 8, 3)
END = date(2026, 11, 2)


def test_a_calendar_window_moves_by_the_calendar_days_on_hold() -> None:
    move = window_after_break("months", END, GATEWAY, date(2026, 9, 1), date(2026, 9, 21))
    assert (move.paused, move.new_end) == (20, date(2026, 11, 22))
    assert "20 calendar days" in move.explanation


def test_a_working_day_window_moves_by_the_working_days_on_hold() -> None:
    # Tuesday 1 to Monday 21 September 2026: 14 working days on hold (no bank holiday).
    move = window_after_break("working_days", END, GATEWAY, date(2026, 9, 1), date(2026, 9, 21))
    assert move.paused == 14
    assert move.new_end == date(2026, 11, 20)


def test_only_the_days_on_hold_inside_the_window_count() -> None:
    before_gateway = window_after_break("months", END, GATEWAY, date(2026, 7, 24), GATEWAY)
    assert (before_gateway.paused, before_gateway.new_end) == (0, END)
    across_gateway = window_after_break(
        "months", END, GATEWAY, date(2026, 7, 24), date(2026, 8, 13)
    )
    assert across_gateway.paused == 10
    after_end = window_after_break("months", END, GATEWAY, date(2026, 11, 10), date(2026, 11, 20))
    assert (after_end.paused, after_end.new_end) == (0, END)
