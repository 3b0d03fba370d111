"""Demo data at any size: an EPAO with providers, employers, assessors and apprentices.

Apprentices are spread over all five specifications and every stage of the journey built so
far (registered, gateway in progress, gateway accepted). Rows are created with
``bulk_create`` in batches inside one transaction per batch, so 100,000 apprentices take
minutes. Every demo person with an account signs in with :data:`DEMO_PASSWORD`: the named
logins (one per role) and every other assessor and IQA (:func:`staff_logins`). The bulk
apprentices have no accounts until someone invites them from their page.
Everything is clearly demo data: the EPAO is "OpenEPA Demo EPAO" and emails end in
``.example``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from openepa.accounts.models import Organisation, User
from openepa.demo.assessment import add_assessment_examples
from openepa.demo.people import (
    BATCH,
    add_profiles,
    ensure_organisations,
    ensure_staff,
    share_with_demo_staff,
)
from openepa.demo.registrations import add_demo_apprentice, create_batch
from openepa.demo.service_examples import add_service_examples
from openepa.registration.models import Apprentice, Registration
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import load_specifications

DEMO_EPAO = "OpenEPA Demo EPAO"
DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoLogin:
    """A demo person who can sign in."""

    role: str
    email: str
    name: str
    note: str


@dataclass(frozen=True)
class StaffLogins:
    """The other demo assessors (or IQAs), numbered from 1, who sign in like the named ones."""

    label: str
    first: str
    last: str
    count: int


NAMED_EMAILS = ("assessor@demo-epao.example", "iqa@demo-epao.example")


def create_demo(apprentices: int, *, seed: int = 2026) -> list[DemoLogin]:
    """Create (or top up) the demo EPAO with ``apprentices`` registrations and demo logins.

    Running it again adds nothing to an EPAO that already has that many registrations.
    """
    rng = random.Random(seed)
    records = [r for r in load_specifications() if r.is_current]
    epao, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.EPAO, name=DEMO_EPAO, epao=None
    )
    providers = ensure_organisations(epao, Organisation.Kind.PROVIDER, max(3, apprentices // 500))
    employers = ensure_organisations(epao, Organisation.Kind.EMPLOYER, max(5, apprentices // 100))
    password = make_password(DEMO_PASSWORD)
    staff = ensure_staff(epao, max(3, apprentices // 300), password)
    logins = _demo_logins(epao, providers[0], employers[0], records, password)
    existing = Registration.objects.filter(epao=epao).count()
    for start in range(existing, apprentices, BATCH):
        create_batch(
            epao,
            range(start, min(start + BATCH, apprentices)),
            providers,
            employers,
            staff,
            records,
            rng,
        )
    share_with_demo_staff(epao)
    add_profiles(epao, records)
    add_assessment_examples(epao)
    add_service_examples(epao)
    return logins


def _demo_logins(
    epao: Organisation,
    provider: Organisation,
    employer: Organisation,
    records: list[SpecificationRecord],
    password: str,
) -> list[DemoLogin]:
    """One person per role who can sign in with the demo password (``password`` is its hash)."""
    people = [
        (
            User.Role.EPAO_ADMIN,
            "admin@demo-epao.example",
            "Alex Admin",
            epao,
            "runs the EPAO: organisations, people, gateway reviews",
        ),
        (
            User.Role.ASSESSOR,
            "assessor@demo-epao.example",
            "Sam Assessor",
            epao,
            "records the assessments of allocated apprentices and reviews their proposals",
        ),
        (
            User.Role.IQA,
            "iqa@demo-epao.example",
            "Jordan Quality",
            epao,
            "quality assures the sampled decisions (Sampled decisions)",
        ),
        (
            User.Role.PROVIDER,
            "provider@demo-provider.example",
            "Priya Provider",
            provider,
            f"registers apprentices for {provider.name}",
        ),
        (
            User.Role.EMPLOYER,
            "employer@demo-employer.example",
            "Ethan Employer",
            employer,
            f"signs gateway declarations for {employer.name}",
        ),
        (
            User.Role.APPRENTICE,
            "apprentice@demo-learner.example",
            "Robin Apprentice",
            None,
            "an apprentice at gateway on st0071-highfield",
        ),
    ]
    logins = []
    for role, email, name, organisation, note in people:
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": name,
                "role": role,
                "epao": epao,
                "organisation": organisation,
                "password": password,
                "is_active": True,
            },
        )
        logins.append(DemoLogin(role, email, name, note))
        if role == User.Role.APPRENTICE:
            add_demo_apprentice(user, epao, provider, employer, records)
    return logins


def staff_logins() -> list[StaffLogins]:
    """The demo EPAO's other assessors and IQAs, as ranges of addresses to print."""
    found = []
    for role, label in ((User.Role.ASSESSOR, "assessors"), (User.Role.IQA, "IQAs")):
        count = (
            User.objects.filter(epao__name=DEMO_EPAO, role=role)
            .exclude(email__in=NAMED_EMAILS)
            .count()
        )
        if count:
            found.append(
                StaffLogins(
                    label, f"{role}1@demo-epao.example", f"{role}{count}@demo-epao.example", count
                )
            )
    return found


def apprentices_without_account() -> int:
    """How many demo apprentices have no account yet (the bulk ones)."""
    return Apprentice.objects.filter(epao__name=DEMO_EPAO, user__isnull=True).count()
