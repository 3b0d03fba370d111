"""Which deadline reminders are due on a day: pure rules, no Django.

The daily sweep (:mod:`openepa.sweep.deadlines`) gathers every deadline of the live
registrations — submissions due, EPA windows ending, resit and retake limits, results due —
as :class:`DeadlineItem` and asks :func:`reminders_due` which to remind people of today.

A reminder is due on the days from ``lead_days`` before the deadline up to the deadline
itself, both included::

    due - lead_days <= today <= due

so with a lead time of 7 days a deadline on Friday 18 September is reminded of from Friday
11 September to Friday 18 September, and never after it has passed.

Each reminder carries a stable key, ``reminder:<kind>:<registration id>:<due date>``: the
sweep runs every day of the window, and the notifications app sends one email per key and
person, so the same deadline is reminded of once; a deadline that moves (a booking moved, a
new window end) has a new date, hence a new key, and is reminded of again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["submission_due", "window_ending", "resit_deadline", "results_due"]

KINDS: tuple[Kind, ...] = ("submission_due", "window_ending", "resit_deadline", "results_due")


@dataclass(frozen=True)
class DeadlineItem:
    """One deadline of one registration.

    ``what`` says in words what is due ("Portfolio of evidence submitted 2 weeks before the
    professional discussion"); ``rule`` names the rule that set the date, with its source.
    """

    registration_id: int
    kind: Kind
    due: date
    what: str
    rule: str


@dataclass(frozen=True)
class Reminder:
    """A reminder to send today about one deadline, with the key that makes it unique."""

    key: str
    registration_id: int
    kind: Kind
    due: date
    days_left: int
    what: str
    rule: str


def reminder_key(kind: str, registration_id: int, due: date) -> str:
    """The key of the reminder of one deadline: the same deadline always gives the same key."""
    return f"reminder:{kind}:{registration_id}:{due.isoformat()}"


def in_reminder_window(due: date, today: date, lead_days: int) -> bool:
    """Whether ``today`` is within ``lead_days`` before ``due``, the deadline day included.

    ``due - lead_days <= today <= due``: a deadline that has passed is not reminded of, nor
    one further away than the lead time.
    """
    if lead_days < 0:
        raise ValueError(f"The reminder lead time must be 0 days or more, not {lead_days}.")
    return due - timedelta(days=lead_days) <= today <= due


def reminders_due(deadlines: Iterable[DeadlineItem], today: date, lead_days: int) -> list[Reminder]:
    """The reminders due on ``today`` for these deadlines, a lead time of ``lead_days`` days.

    One reminder per kind, registration and date: two deadlines of the same kind on the same
    day (a report and a portfolio both due on the Monday) make one reminder naming both.
    The reminders are ordered by due date, registration and kind, so the same inputs always
    give the same reminders, whatever their order.
    """
    grouped: dict[str, list[DeadlineItem]] = {}
    for item in deadlines:
        if in_reminder_window(item.due, today, lead_days):
            grouped.setdefault(reminder_key(item.kind, item.registration_id, item.due), []).append(
                item
            )
    found = []
    for key, items in grouped.items():
        first = items[0]
        pairs = sorted({(i.what, i.rule) for i in items})
        found.append(
            Reminder(
                key=key,
                registration_id=first.registration_id,
                kind=first.kind,
                due=first.due,
                days_left=(first.due - today).days,
                what="; ".join(dict.fromkeys(what for what, _ in pairs)),
                rule="; ".join(dict.fromkeys(rule for _, rule in pairs)),
            )
        )
    return sorted(found, key=lambda r: (r.due, r.registration_id, r.kind))
