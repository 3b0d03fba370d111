"""Fixtures for planning: assessors with profiles and Pat past the gateway.

Pat the apprentice works at Bright Retail (Erin) and trains with Acme Training (Bob) on
st0071-highfield; the gateway was accepted on Monday 3 August 2026 and the EPA window ends on
2 November 2026. Anna and Aziz are assessors, Ivy and Iris IQAs, all approved for Highfield
and working Monday to Friday. Alice and Alan are EPAO admins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from openepa.accounts.models import Organisation, User
from openepa.planning.models import AssessorProfile, Booking
from openepa.registration.models import Registration
from tests.conftest import PASSWORD

GATEWAY = date(2026, 8, 3)
WINDOW_END = date(2026, 11, 2)


def person(email: str, name: str, role: str, epao: Organisation) -> User:
    """A member of the EPAO's staff."""
    return User.objects.create_user(
        email, PASSWORD, full_name=name, role=role, epao=epao, organisation=epao
    )


def approve(user: User, *spec_ids: str, capacity: int = 5) -> AssessorProfile:
    """Give ``user`` a profile approved for ``spec_ids``."""
    profile, _ = AssessorProfile.objects.update_or_create(
        user=user,
        defaults={"approved_specs": list(spec_ids), "weekly_capacity": capacity},
    )
    return profile


@pytest.fixture
def alan(epao: Organisation) -> User:
    """A second EPAO admin, allocating at the same time as Alice."""
    return person("alan@epao.example", "Alan Admin", User.Role.EPAO_ADMIN, epao)


@pytest.fixture
def aziz(epao: Organisation) -> User:
    """A second assessor."""
    return person("aziz@epao.example", "Aziz Assessor", User.Role.ASSESSOR, epao)


@pytest.fixture
def iris(epao: Organisation) -> User:
    """A second IQA."""
    return person("iris@epao.example", "Iris Quality", User.Role.IQA, epao)


@pytest.fixture
def approved(anna: User, aziz: User, ivy: User, iris: User) -> None:
    """Every assessor and IQA approved for Highfield."""
    for user in (anna, aziz, ivy, iris):
        approve(user, "st0071-highfield")


@pytest.fixture
def past_gateway(make_registration: Callable[..., Registration]) -> Callable[..., Registration]:
    """Make a registration whose gateway was accepted on 3 August 2026."""

    def make(spec_id: str = "st0071-highfield", **fields: object) -> Registration:
        values: dict[str, object] = {
            "status": Registration.Status.GATEWAY_ACCEPTED,
            "gateway_date": GATEWAY,
            "epa_window_end": WINDOW_END,
        }
        values.update(fields)
        return make_registration(spec_id, **values)

    return make


@pytest.fixture
def pats(past_gateway: Callable[..., Registration], pat: User) -> Registration:
    """Pat's Highfield registration, past the gateway."""
    return past_gateway(apprentice_user=pat, given_names="Pat", family_name="Apprentice")


def book(registration: Registration, method: str, on: date, assessor: User, by: User) -> Booking:
    """A one-hour face-to-face booking made directly (booked on 10 August 2026)."""
    return Booking.objects.create(
        registration=registration,
        method_id=method,
        on=on,
        minutes=[60],
        mode="face_to_face",
        assessor=assessor,
        booked_by=by,
        booked_on=date(2026, 8, 10),
    )
