"""Helpers of the IQA and results tests: a fixed random draw for IQA sampling."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from openepa.assessment import submission
from openepa.registration.models import Registration
from openepa.rules.recording import method_of
from openepa.specifications.services import rules_for


class FixedDraw:
    """Stands in for secrets.SystemRandom: every draw is ``value``."""

    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.fixture
def draw(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Fix the random number drawn when a decision is sampled."""

    def fix(value: float) -> None:
        monkeypatch.setattr(submission.secrets, "SystemRandom", lambda: FixedDraw(value))

    fix(0.99)
    return fix


def criterion_of(registration: Registration, method_id: str, kind: str) -> str:
    """The first criterion of ``kind`` (pass or distinction) of the registration's method."""
    spec, _ = rules_for(registration.specification)
    return next(c.id for c in method_of(spec, method_id).criteria if c.kind == kind)
