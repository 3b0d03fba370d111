"""Shared fixtures: one EPAO with named people in every role, and registrations to work on.

Alice is the EPAO admin; Anna the assessor; Ivy the IQA; Bob works at Acme Training (a
provider); Erin at Bright Retail (an employer); Pat is an apprentice. Charlie and Eve work at
another provider and another employer and must never see Pat's records. Mallory is an admin of
another EPAO. Sam is a superuser of the first EPAO, who may use Django's admin site.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from openepa.accounts.models import Organisation, User
from openepa.registration.models import Apprentice, Registration
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import load_specifications

PASSWORD = "correct horse battery staple"

# The stand-in of the apprenticeship assessment service: the `assessment_service` fixture.
pytest_plugins = ["tests.standin.fixtures"]


def make_uln(seed: int) -> str:
    """A valid ULN derived from ``seed``; different seeds differ in their first six digits."""
    from openepa.demo.names import uln_for

    return uln_for(seed * 7919)


@pytest.fixture
def specs(db: Any) -> dict[str, SpecificationRecord]:
    """The five built-in specifications, loaded into the database."""
    return {record.spec_id: record for record in load_specifications()}


@pytest.fixture
def epao(db: Any) -> Organisation:
    return Organisation.objects.create(kind=Organisation.Kind.EPAO, name="Demo EPAO")


@pytest.fixture
def other_epao(db: Any) -> Organisation:
    return Organisation.objects.create(kind=Organisation.Kind.EPAO, name="Other EPAO")


@pytest.fixture
def provider(epao: Organisation) -> Organisation:
    return Organisation.objects.create(
        kind=Organisation.Kind.PROVIDER, name="Acme Training", epao=epao, ukprn="10012345"
    )


@pytest.fixture
def other_provider(epao: Organisation) -> Organisation:
    return Organisation.objects.create(
        kind=Organisation.Kind.PROVIDER, name="Other Training", epao=epao, ukprn="10054321"
    )


@pytest.fixture
def employer(epao: Organisation) -> Organisation:
    return Organisation.objects.create(
        kind=Organisation.Kind.EMPLOYER, name="Bright Retail", epao=epao
    )


@pytest.fixture
def other_employer(epao: Organisation) -> Organisation:
    return Organisation.objects.create(
        kind=Organisation.Kind.EMPLOYER, name="Other Retail", epao=epao
    )


def _user(email: str, name: str, role: str, epao: Organisation, org: Organisation | None) -> User:
    return User.objects.create_user(
        email, PASSWORD, full_name=name, role=role, epao=epao, organisation=org
    )


@pytest.fixture
def alice(epao: Organisation) -> User:
    """The EPAO admin."""
    return _user("alice@epao.example", "Alice Admin", User.Role.EPAO_ADMIN, epao, epao)


@pytest.fixture
def anna(epao: Organisation) -> User:
    """An independent assessor."""
    return _user("anna@epao.example", "Anna Assessor", User.Role.ASSESSOR, epao, epao)


@pytest.fixture
def ivy(epao: Organisation) -> User:
    """An internal quality assurer."""
    return _user("ivy@epao.example", "Ivy Quality", User.Role.IQA, epao, epao)


@pytest.fixture
def bob(epao: Organisation, provider: Organisation) -> User:
    """A training-provider user at Acme Training."""
    return _user("bob@acme.example", "Bob Provider", User.Role.PROVIDER, epao, provider)


@pytest.fixture
def charlie(epao: Organisation, other_provider: Organisation) -> User:
    """A training-provider user at another provider."""
    return _user("charlie@other.example", "Charlie Other", User.Role.PROVIDER, epao, other_provider)


@pytest.fixture
def erin(epao: Organisation, employer: Organisation) -> User:
    """An employer user at Bright Retail."""
    return _user("erin@bright.example", "Erin Employer", User.Role.EMPLOYER, epao, employer)


@pytest.fixture
def eve(epao: Organisation, other_employer: Organisation) -> User:
    """An employer user at another employer."""
    return _user("eve@otherretail.example", "Eve Other", User.Role.EMPLOYER, epao, other_employer)


@pytest.fixture
def pat(epao: Organisation) -> User:
    """An apprentice."""
    return _user("pat@learner.example", "Pat Apprentice", User.Role.APPRENTICE, epao, None)


@pytest.fixture
def mallory(other_epao: Organisation) -> User:
    """An admin of another EPAO."""
    return _user(
        "mallory@other-epao.example", "Mallory", User.Role.EPAO_ADMIN, other_epao, other_epao
    )


@pytest.fixture
def sam(epao: Organisation) -> User:
    """Sam, a superuser of the Demo EPAO, who may use Django's admin site."""
    return User.objects.create_superuser(
        "sam@epao.example", PASSWORD, full_name="Sam Super", epao=epao, organisation=epao
    )


@pytest.fixture
def make_registration(
    specs: dict[str, SpecificationRecord],
    epao: Organisation,
    provider: Organisation,
    employer: Organisation,
    bob: User,
) -> Callable[..., Registration]:
    """Create a registration (and its apprentice) directly, for tests of later steps."""
    counter = itertools.count(1)

    def make(
        spec_id: str = "st0071-highfield",
        *,
        given_names: str | None = None,
        family_name: str = "Example",
        apprentice_user: User | None = None,
        provider_org: Organisation | None = None,
        employer_org: Organisation | None = None,
        **fields: Any,
    ) -> Registration:
        number = next(counter)
        record = specs[spec_id]
        apprentice = Apprentice.objects.create(
            epao=epao,
            uln=make_uln(number),
            given_names=given_names or f"Learner{number}",
            family_name=family_name,
            date_of_birth=date(2000, 1, 1),
            email=f"learner{number}@example.org",
            user=apprentice_user,
        )
        values: dict[str, Any] = {
            "epao": epao,
            "apprentice": apprentice,
            "provider": provider_org or provider,
            "employer": employer_org or employer,
            "specification": record,
            "standard": record.standard,
            "version": record.version,
            "start_date": date(2025, 1, 6),
            "on_programme_end_date": date(2026, 4, 30),
            "planned_assessment_month": date(2026, 7, 1),
            "address_line_1": "1 High Street",
            "town": "Leeds",
            "postcode": "LS1 1AA",
            "created_by": bob,
        }
        values.update(fields)
        return Registration.objects.create(**values)

    return make


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Sign a user in on the test client."""

    def sign_in(user: User) -> Client:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
