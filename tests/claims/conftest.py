"""Helpers of the certificate claim tests: released results built directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from openepa.accounts.models import Organisation, StandardAtService, User
from openepa.assessment.models import Sitting
from openepa.claims.models import CertificateClaim
from openepa.kernel import events
from openepa.registration.models import CertificateConsent, LearnerCheck, Registration
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


@pytest.fixture
def give_consent(alice: User) -> Callable[[Registration], CertificateConsent]:
    """Record the apprentice's written permission to apply for their certificate."""

    def give(registration: Registration) -> CertificateConsent:
        return CertificateConsent.objects.create(
            registration=registration,
            source=CertificateConsent.Source.EVIDENCE,
            statement="I agree that the EPAO may apply for my apprenticeship certificate.",
            evidence="Signed form, kept in the EPAO's files",
            given_on=date(2026, 11, 1),
            recorded_by=alice,
        )

    return give


@pytest.fixture
def look_up() -> Callable[..., LearnerCheck]:
    """Record the apprentice's current look-up at the service: found and matched by default."""

    def check(registration: Registration, outcome: str = "matched", **fields: Any) -> LearnerCheck:
        LearnerCheck.objects.filter(registration=registration, current=True).update(current=False)
        values: dict[str, Any] = {
            "epao": registration.epao,
            "registration": registration,
            "reason": LearnerCheck.Reason.REGISTRATION,
            "outcome": outcome,
            "uln": registration.apprentice.uln,
            "family_name": registration.apprentice.family_name,
            "standard": registration.standard,
            "held_given_names": registration.apprentice.given_names,
            "held_version": registration.version,
            "completion_status": 1,
        }
        values.update(fields)
        return LearnerCheck.objects.create(**values)

    return check


@pytest.fixture
def lars_code(epao: Organisation, alice: User) -> StandardAtService:
    """ST0071's LARS code, set once by the EPAO admin (the standard files give none)."""
    return StandardAtService.objects.create(
        epao=epao, reference="ST0071", lars_code=123, updated_by=alice
    )


@pytest.fixture
def service_configured(settings: Any) -> None:
    """OpenEPA set to send to the assessment service (no request is made in these tests)."""
    settings.ASSESSMENT_SERVICE_URL = "http://assessment-service.invalid"
    settings.ASSESSMENT_SERVICE_KEY = "test"


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The events published during the test, in order (each still runs its handlers)."""
    found: list[object] = []
    publish = events.publish

    def recording(event: object) -> None:
        found.append(event)
        publish(event)

    monkeypatch.setattr("openepa.kernel.events.publish", recording)
    return found


@pytest.fixture
def add_claims(
    make_registration: Callable[..., Registration],
    make_result: Callable[..., Result],
    alice: User,
    lars_code: StandardAtService,
    give_consent: Callable[[Registration], CertificateConsent],
    on_day: Callable[[date], None],
    look_up: Callable[..., LearnerCheck],
) -> Callable[[int], list[CertificateClaim]]:
    """Add claims, every third one ready and passing every check (on 24 December 2026).

    Each apprentice was looked up and matched at the service (used when it is configured).
    """
    from openepa.claims import services

    on_day(date(2026, 12, 24))

    def add(count: int) -> list[CertificateClaim]:
        added = []
        for number in range(count):
            registration = make_registration()
            give_consent(registration)
            look_up(registration)
            claim = services.draft_claim_for_result(make_result(registration), alice)
            if number % 3 == 0:
                CertificateClaim.objects.filter(pk=claim.pk).update(status="ready")
                claim.refresh_from_db()
            added.append(claim)
        return added

    return add
