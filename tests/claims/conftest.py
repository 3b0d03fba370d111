"""Helpers of the certificate claim tests: released results built directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.models import Sitting
from openepa.registration.models import Registration
from openepa.results.models import Result

RELEASED = date(2026, 11, 22)


@pytest.fixture
def make_result(alice: User) -> Callable[..., Result]:
    """A released result for ``registration``: a pass by default, released on 22 Nov 2026."""

    def make(
        registration: Registration,
        grade: str = "pass",
        released_on: date = RELEASED,
        **fields: Any,
    ) -> Result:
        number = registration.sittings.count() + 1
        sitting = Sitting.objects.create(
            registration=registration,
            number=number,
            kind="first" if number == 1 else "resit",
            methods=["project", "observation"],
        )
        values: dict[str, Any] = {
            "registration": registration,
            "sitting": sitting,
            "grade": grade,
            "label": grade.capitalize(),
            "reason": "Every method passed",
            "methods": [],
            "last_assessment_on": released_on,
            "released_by": alice,
            "released_at": timezone.make_aware(datetime.combine(released_on, time(10, 0))),
        }
        values.update(fields)
        return Result.objects.create(**values)

    return make


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the day the services take as today."""

    def set_day(day: date) -> None:
        monkeypatch.setattr("openepa.kernel.clock.today", lambda: day)

    return set_day
