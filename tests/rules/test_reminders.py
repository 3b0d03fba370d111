"""Which deadline reminders are due on a day: the window's edges and the reminders' keys."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openepa.rules.reminders import KINDS, DeadlineItem, reminder_key, reminders_due

DUE = date(2026, 9, 18)
LEAD = 7


def item(
    due: date = DUE, kind: str = "submission_due", registration_id: int = 1, what: str = "Report"
) -> DeadlineItem:
    return DeadlineItem(registration_id, kind, due, what, "report-submission: Test section")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=LEAD + 1), False),  # the day before the window opens
        (DUE - timedelta(days=LEAD), True),  # the first day of the window
        (DUE - timedelta(days=1), True),
        (DUE, True),  # the deadline day itself
        (DUE + timedelta(days=1), False),  # the deadline has passed
    ],
)
def test_a_reminder_is_due_from_lead_days_before_the_deadline_to_the_deadline(
    today: date, expected: bool
) -> None:
    found = reminders_due([item()], today, LEAD)

    assert bool(found) is expected
    if expected:
        (reminder,) = found
        assert reminder.days_left == (DUE - today).days
        assert reminder.what == "Report"
        assert reminder.rule == "report-submission: Test section"


def test_a_lead_time_of_zero_reminds_only_on_the_day() -> None:
    assert reminders_due([item()], DUE, 0)
    assert not reminders_due([item()], DUE - timedelta(days=1), 0)


def test_a_negative_lead_time_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="0 days or more, not -1"):
        reminders_due([item()], DUE, -1)


def test_the_key_names_the_kind_registration_and_date_so_a_moved_deadline_is_new() -> None:
    (before,) = reminders_due([item()], DUE - timedelta(days=2), LEAD)
    (moved,) = reminders_due([item(due=DUE + timedelta(days=3))], DUE - timedelta(days=2), LEAD)

    assert before.key == "reminder:submission_due:1:2026-09-18"
    assert moved.key == "reminder:submission_due:1:2026-09-21"
    # The same deadline on another day of the window keeps its key.
    (later,) = reminders_due([item()], DUE, LEAD)
    assert later.key == before.key


def test_two_deadlines_of_one_kind_on_one_day_make_one_reminder_naming_both() -> None:
    found = reminders_due(
        [item(what="Report"), item(what="Portfolio"), item(kind="window_ending", what="Window")],
        DUE,
        LEAD,
    )

    assert [(r.kind, r.what) for r in found] == [
        ("submission_due", "Portfolio; Report"),
        ("window_ending", "Window"),
    ]


items = st.builds(
    DeadlineItem,
    registration_id=st.integers(min_value=1, max_value=5),
    kind=st.sampled_from(KINDS),
    due=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    what=st.sampled_from(["Report", "Portfolio", "Window"]),
    rule=st.sampled_from(["rule a", "rule b"]),
)


@given(
    st.lists(items, max_size=20),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(min_value=0, max_value=30),
    st.randoms(),
)
def test_the_same_deadlines_give_the_same_reminders_and_keys_in_any_order(
    deadlines: list[DeadlineItem], today: date, lead: int, random: object
) -> None:
    first = reminders_due(deadlines, today, lead)
    shuffled = list(deadlines)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    again = reminders_due(shuffled, today, lead)

    assert first == again
    keys = [r.key for r in first]
    assert len(keys) == len(set(keys))
    for reminder in first:
        assert reminder.key == reminder_key(reminder.kind, reminder.registration_id, reminder.due)
        assert today <= reminder.due <= today + timedelta(days=lead)
