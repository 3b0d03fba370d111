"""A break in learning: how much of the EPA window it pauses, and where the window then ends.

None of the specifications under ``specs/`` says what a break in learning does to the EPA
window: each states only the window itself, from the gateway (Highfield: "ensure all
components can be completed within a 3-month end-assessment window"; NQual and the EPA kit:
"All EPA activity will take place no later than 3 months from Gateway"). OpenEPA applies this
rule, documented in the README:

- while a registration is on hold its window does not run: the days on hold inside the window
  (from the later of the break's first day and the gateway, up to the day before the
  apprentice resumes, and no later than the window's last day) are added back on resume;
- a window in calendar time (days, weeks, months) moves by those calendar days; a window in
  working days moves by the working days on hold (England's, :mod:`openepa.rules.dates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from openepa.rules.dates import add_working_days, is_working_day, long_date


@dataclass(frozen=True)
class WindowMove:
    """Where the EPA window ends after a break, and why."""

    old_end: date
    new_end: date
    paused: int
    unit_words: str

    @property
    def explanation(self) -> str:
        """The move in words, for the audit trail and the page."""
        if self.paused == 0:
            return (
                f"The EPA window still ends on {long_date(self.old_end)}: none of its days "
                "fell in the break"
            )
        return (
            f"The EPA window end moved from {long_date(self.old_end)} to "
            f"{long_date(self.new_end)}: {self.paused} {self.unit_words} on hold"
        )


def window_after_break(
    unit: str, window_end: date, gateway: date, held_from: date, resumed_on: date
) -> WindowMove:
    """The window of ``unit`` (the specification's) after a break ``held_from`` to ``resumed_on``.

    The apprentice was on hold from ``held_from`` up to the day before ``resumed_on``.
    """
    first = max(held_from, gateway)
    after_last = min(resumed_on, window_end + timedelta(days=1))
    if after_last <= first:
        words = "working days" if unit == "working_days" else "calendar days"
        return WindowMove(window_end, window_end, 0, words)
    if unit == "working_days":
        paused = sum(
            1
            for offset in range((after_last - first).days)
            if is_working_day(first + timedelta(offset))
        )
        return WindowMove(window_end, add_working_days(window_end, paused), paused, "working days")
    paused = (after_last - first).days
    return WindowMove(window_end, window_end + timedelta(days=paused), paused, "calendar days")
