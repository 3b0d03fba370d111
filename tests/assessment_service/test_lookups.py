"""Apprentices whose certificate is due but who were never looked up are asked about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openepa.assessment_service import services
from openepa.assessment_service.lookups import ask_missing_lookups, registrations_to_look_up
from openepa.claims.models import CertificateClaim
from openepa.registration.models import LearnerCheck, Registration


def test_ask_missing_lookups(
    service: Any,
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    never_asked = make_registration()
    claim = make_claim(never_asked)
    LearnerCheck.objects.filter(registration=never_asked).update(current=False)
    services.keep_certificate(claim)
    asked_before = make_registration()
    services.keep_certificate(make_claim(asked_before))
    assert registrations_to_look_up() == [never_asked]
    assert ask_missing_lookups() == 1
    check = LearnerCheck.objects.get(registration=never_asked, current=True)
    assert check.reason == LearnerCheck.Reason.CLAIM
    assert registrations_to_look_up() == []


def test_ask_missing_lookups_asks_nothing_without_the_service(
    make_registration: Callable[..., Registration],
    make_claim: Callable[..., CertificateClaim],
) -> None:
    registration = make_registration()
    claim = make_claim(registration)
    LearnerCheck.objects.filter(registration=registration).update(current=False)
    services.keep_certificate(claim)
    assert ask_missing_lookups() == 0
    assert not LearnerCheck.objects.filter(registration=registration, current=True).exists()
