"""Two people booking one assessor's same slot at the same moment: exactly one booking is made.

Anna assesses Pat and Sam. Alice books Pat's observation and Anna books Sam's, both on Monday
17 August 2026 at 10:00, in two threads with their own database connections released together
by a barrier. The assessor's row is locked while a booking is checked, so the second waits for
the first, then sees it and is refused. Needs PostgreSQL (SQLite's in-memory test database is
shared by the threads without row locks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.db import connection, connections

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.planning import bookings
from openepa.planning.bookings import BookingRefused
from openepa.planning.models import Booking
from openepa.registration.models import Registration
from tests.planning.conftest import GATEWAY, approve

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor == 'sqlite'",
        reason="SQLite's in-memory test database is shared by threads without row locks",
    ),
]


def _in_parallel(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all released at once; return results or errors."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except BaseException as error:  # returned to the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_simultaneous_bookings_of_one_assessors_slot_make_exactly_one(
    past_gateway: Callable[..., Registration],
    anna: User,
    ivy: User,
    alice: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "today", lambda: GATEWAY)
    approve(anna, "st0071-highfield")
    registered = datetime(2026, 5, 1, tzinfo=UTC)
    pats, sams = (
        past_gateway(given_names=name, assessor=anna, iqa=ivy, created_at=registered)
        for name in ("Pat", "Sam")
    )

    def booking(registration: Registration, actor: User) -> Callable[[], Booking]:
        return lambda: bookings.book(
            registration,
            actor,
            method_id="observation",
            on=date(2026, 8, 17),
            starts_at=time(10, 0),
            minutes=[60],
            mode="face_to_face",
            submissions={},
        )

    outcomes = _in_parallel(booking(pats, alice), booking(sams, anna))

    made = [o for o in outcomes if isinstance(o, Booking)]
    refused = [o for o in outcomes if isinstance(o, BookingRefused)]
    assert (len(made), len(refused)) == (1, 1), outcomes
    assert "Anna Assessor is already booked on Monday 17 August 2026" in refused[0].refusals[0]
    assert Booking.objects.count() == 1
    assert connection.vendor == "postgresql"
