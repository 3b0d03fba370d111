"""Helpers for the resit, retake and appeal tests: a released result on a chosen day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.grading import grade_sitting
from openepa.assessment.sittings import current_sitting
from openepa.registration.models import Registration
from openepa.results.models import Result
from openepa.results.release import release_result
from openepa.rules.recording import method_of
from openepa.specifications.services import rules_for
from tests.epa import accept, policy_without_sampling, record_method


def at(day: date) -> datetime:
    """Noon on ``day`` in the EPAO's time zone."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def failing_criterion(registration: Registration, method_id: str) -> str:
    """A pass criterion of the method: judged not met, the method fails."""
    spec, _ = rules_for(registration.specification)
    return next(c.id for c in method_of(spec, method_id).criteria if c.kind == "pass")


def release(registration: Registration, admin: User, on: date) -> Result:
    """Release the current sitting's result as if on ``on``."""
    sitting = current_sitting(registration)
    assert sitting is not None
    graded = grade_sitting(registration, sitting)
    result = release_result(
        registration.pk, admin, sitting_pk=sitting.pk, expected_grade=graded.overall.grade
    )
    Result.objects.filter(pk=result.pk).update(released_at=at(on))
    result.refresh_from_db()
    registration.refresh_from_db()
    return result


def assess(
    registration: Registration,
    assessor: User,
    methods: Iterable[str],
    *,
    failing: Iterable[str] = (),
) -> None:
    """Record and submit every method given; those in ``failing`` fail."""
    fails = set(failing)
    for method_id in methods:
        not_met = [failing_criterion(registration, method_id)] if method_id in fails else []
        record_method(registration, method_id, assessor, not_met=not_met)


def failed_highfield(
    make_registration,
    assessor: User,
    admin: User,
    *,
    released: date,
    failing=("observation",),
    **fields,
) -> tuple[Registration, Result]:
    """A Highfield registration whose first sitting failed ``failing``, released on ``released``."""
    registration = accept(make_registration("st0071-highfield", **fields), assessor)
    policy_without_sampling(registration.epao)
    assess(registration, assessor, ("project", "discussion", "observation"), failing=failing)
    return registration, release(registration, admin, released)
