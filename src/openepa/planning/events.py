"""What planning publishes (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openepa.accounts.models import User
from openepa.planning.models import Allocation, AssessmentPlan, Booking, Relationship
from openepa.registration.models import Registration


@dataclass(frozen=True)
class AssessorAllocated:
    """An assessor or IQA was allocated to an apprentice."""

    registration: Registration
    allocation: Allocation


@dataclass(frozen=True)
class ConflictDeclared:
    """An allocated assessor or IQA declared a relationship that ends their independence.

    ``role`` is the role's id ("assessor" or "iqa"); the EPAO must reallocate the apprentice.
    """

    registration: Registration
    relationship: Relationship
    person: User
    role: str


@dataclass(frozen=True)
class PlanReadyToSign:
    """The assessment plan was recorded (or changed) and waits for signatures."""

    registration: Registration
    plan: AssessmentPlan
    actor: User
    changed: bool


@dataclass(frozen=True)
class PlanAgreed:
    """Everyone has signed the assessment plan."""

    registration: Registration
    plan: AssessmentPlan


@dataclass(frozen=True)
class BookingMade:
    """An assessment was booked."""

    booking: Booking


@dataclass(frozen=True)
class BookingMoved:
    """A booking moved to another day, or was cancelled."""

    booking: Booking
    old_on: date
    reason: str
    cancelled: bool = False
