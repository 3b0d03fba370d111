"""No double booking: whether a proposed assessment overlaps another of the same person.

An assessment takes its day from its start time for the minutes of its occasions added up;
one with no start time recorded takes the whole day. Two assessments of one assessor, or of
one apprentice, clash when they overlap or leave less than the gap between them (travel and a
break: the caller passes the gap, ``BOOKING_GAP_MINUTES`` in the settings). Pure Python: the
caller finds the other bookings and writes the message in what its user may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from openepa.rules.booking.context import long_date


@dataclass(frozen=True)
class Slot:
    """The time one assessment takes: its day, its start (None: all day) and its minutes.

    ``ref`` identifies the booking for the caller (its primary key); the rules ignore it.
    """

    on: date
    starts_at: time | None
    minutes: int
    ref: int = 0

    @property
    def start(self) -> datetime:
        """When it starts: its start time, or the start of its day."""
        return datetime.combine(self.on, self.starts_at or time(0, 0))

    @property
    def end(self) -> datetime:
        """When it ends: its start plus its minutes, or the end of its day."""
        if self.starts_at is None:
            return datetime.combine(self.on + timedelta(days=1), time(0, 0))
        return self.start + timedelta(minutes=self.minutes)


def overlapping_bookings(proposed: Slot, others: Iterable[Slot], gap_minutes: int) -> list[Slot]:
    """The slots of ``others`` that overlap ``proposed`` or leave less than the gap between.

    One ending at 11:00 and the next starting at 11:30 are allowed with a gap of 30 minutes;
    starting at 11:29 they clash.
    """
    gap = timedelta(minutes=gap_minutes)
    return [
        other
        for other in others
        if other.start < proposed.end + gap and proposed.start < other.end + gap
    ]


def slot_words(slot: Slot) -> str:
    """A slot in words: "Monday 17 August 2026 from 10:00 to 11:00", or "… (all day)"."""
    if slot.starts_at is None:
        return f"{long_date(slot.on)} (all day)"
    return f"{long_date(slot.on)} from {slot.start:%H:%M} to {slot.end:%H:%M}"


def overlap_groups(slots: Iterable[Slot]) -> list[list[Slot]]:
    """The slots in time order, those that overlap one another (without a gap) grouped.

    A slot alone is a group of one; two that overlap, or a third overlapping either, one group.
    """
    groups: list[list[Slot]] = []
    end = datetime.min
    for slot in sorted(slots, key=lambda s: (s.start, s.end, s.ref)):
        if groups and slot.start < end:
            groups[-1].append(slot)
            end = max(end, slot.end)
        else:
            groups.append([slot])
            end = slot.end
    return groups
