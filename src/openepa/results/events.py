"""What results, resits, retakes and appeals publish (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openepa.accounts.models import User
from openepa.assessment.models import Sitting
from openepa.registration.models import Registration
from openepa.results.models import Appeal, Result


@dataclass(frozen=True)
class ResultReleased:
    """A result was released to the apprentice, employer and provider."""

    result: Result
    released_by: User


@dataclass(frozen=True)
class ResultRegraded:
    """A released result's grade changed (an appeal upheld, an IQA amendment after release).

    ``old_grade`` is the grade before; the result holds the new one.
    """

    result: Result
    old_grade: str
    changed_by: User
    reason: str


@dataclass(frozen=True)
class ReassessmentRecorded:
    """A resit or retake of the failed methods was recorded."""

    registration: Registration
    sitting: Sitting
    what: str
    deadline_on: date | None
    deadline_rule: str
    gateway_again: bool


@dataclass(frozen=True)
class AppealLodged:
    """A party lodged an appeal against a result."""

    appeal: Appeal


@dataclass(frozen=True)
class AppealAssigned:
    """An EPAO admin assigned a reviewer to an appeal."""

    appeal: Appeal
    assigned_by: User


@dataclass(frozen=True)
class AppealDecided:
    """The reviewer decided an appeal."""

    appeal: Appeal


@dataclass(frozen=True)
class AppealWithdrawn:
    """The person who lodged an appeal withdrew it before it was decided."""

    appeal: Appeal
