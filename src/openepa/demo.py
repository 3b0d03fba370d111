"""Demo data at any size: an EPAO with providers, employers, assessors and apprentices.

Apprentices are spread over all five specifications and every stage of the journey built so
far (registered, gateway in progress, gateway accepted). Rows are created with
``bulk_create`` in batches inside one transaction per batch, so 100,000 apprentices take
minutes. Only the named demo people can sign in; the bulk apprentices have no accounts.
Everything is clearly demo data: the EPAO is "OpenEPA Demo EPAO" and emails end in
``.example``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from openepa.accounts.models import Organisation, User
from openepa.gateway.components import components_from_spec
from openepa.gateway.models import GatewayComponent
from openepa.kernel import clock
from openepa.planning.models import AssessorProfile
from openepa.registration.models import Apprentice, Registration
from openepa.rules.dates import add_months, shift
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import load_specifications, rules_for

DEMO_EPAO = "OpenEPA Demo EPAO"
DEMO_PASSWORD = "demo-password-2026"
BATCH = 2000

GIVEN = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Willow",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "Finley",
    "Arlo",
    "Priya",
    "Aisha",
    "Zara",
    "Yusuf",
    "Ibrahim",
    "Kwame",
    "Chidi",
    "Wei",
    "Mei",
    "Siobhan",
    "Niamh",
    "Cerys",
    "Rhys",
    "Dylan",
    "Callum",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
]
TOWNS = [
    "Leeds",
    "Manchester",
    "Birmingham",
    "Bristol",
    "Sheffield",
    "Liverpool",
    "Nottingham",
    "Leicester",
    "Coventry",
    "Bradford",
    "Newcastle",
    "Sunderland",
    "Derby",
    "Plymouth",
    "Southampton",
    "Reading",
    "Norwich",
    "York",
    "Exeter",
]
TRADES = [
    "Retail",
    "Foods",
    "Logistics",
    "Insurance",
    "Energy",
    "Telecom",
    "Travel",
    "Bank",
    "Homes",
    "Health",
    "Leisure",
    "Motors",
    "Water",
    "Housing",
    "Council",
    "Pharmacy",
    "Hotels",
    "Estates",
    "Utilities",
    "Clinics",
]


@dataclass(frozen=True)
class DemoLogin:
    """A demo person who can sign in."""

    role: str
    email: str
    name: str
    note: str


def uln_for(number: int) -> str:
    """A valid, unique-per-number ULN (nine digits from ``number`` plus the check digit)."""
    for step in range(11):
        body = f"{(number * 11 + step) % 900_000_000 + 100_000_000:09d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        remainder = total % 11
        if remainder not in (0, 1):
            return body + str(10 - remainder)
    raise AssertionError("every eleven consecutive bodies include a valid one")


def ukprn_for(number: int) -> str:
    """A UKPRN in the valid range."""
    return str(10_000_000 + number)


def create_demo(apprentices: int, *, seed: int = 2026) -> list[DemoLogin]:
    """Create (or top up) the demo EPAO with ``apprentices`` registrations and demo logins.

    Running it again adds nothing to an EPAO that already has that many registrations.
    """
    rng = random.Random(seed)
    records = [r for r in load_specifications() if r.is_current]
    epao, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.EPAO, name=DEMO_EPAO, epao=None
    )
    providers = _organisations(epao, Organisation.Kind.PROVIDER, max(3, apprentices // 500))
    employers = _organisations(epao, Organisation.Kind.EMPLOYER, max(5, apprentices // 100))
    staff = _staff(epao, max(3, apprentices // 300))
    logins = _demo_logins(epao, providers[0], employers[0], records)
    existing = Registration.objects.filter(epao=epao).count()
    for start in range(existing, apprentices, BATCH):
        _create_batch(
            epao,
            range(start, min(start + BATCH, apprentices)),
            providers,
            employers,
            staff,
            records,
            rng,
        )
    _share_with_demo_staff(epao)
    _profiles(epao, records)
    from openepa.demo_assessment import add_assessment_examples

    add_assessment_examples(epao)
    return logins


def _organisations(epao: Organisation, kind: str, count: int) -> list[Organisation]:
    """At least ``count`` providers or employers of the demo EPAO."""
    existing = list(Organisation.objects.filter(epao=epao, kind=kind).order_by("pk"))
    new = []
    for number in range(len(existing), count):
        if kind == Organisation.Kind.PROVIDER:
            name = f"{TOWNS[number % len(TOWNS)]} Skills Academy {number + 1}"
            new.append(Organisation(kind=kind, name=name, epao=epao, ukprn=ukprn_for(number + 1)))
        else:
            name = f"{FAMILY[number % len(FAMILY)]} {TRADES[number % len(TRADES)]} {number + 1}"
            new.append(Organisation(kind=kind, name=name, epao=epao))
    Organisation.objects.bulk_create(new, batch_size=BATCH)
    return list(Organisation.objects.filter(epao=epao, kind=kind).order_by("pk"))


def _staff(epao: Organisation, assessors: int) -> dict[str, list[User]]:
    """Assessors and IQAs of the demo EPAO (no passwords: only the named logins sign in)."""
    result: dict[str, list[User]] = {}
    for role, count in ((User.Role.ASSESSOR, assessors), (User.Role.IQA, max(2, assessors // 4))):
        have = User.objects.filter(epao=epao, role=role).count()
        User.objects.bulk_create(
            [
                User(
                    email=f"{role}{number}@demo-epao.example",
                    full_name=f"{rng_name(number)} ({'Assessor' if role == 'assessor' else 'IQA'})",
                    role=role,
                    epao=epao,
                    organisation=epao,
                    password=make_password(None),
                )
                for number in range(have + 1, count + 1)
            ],
            batch_size=BATCH,
        )
        result[role] = list(User.objects.filter(epao=epao, role=role).order_by("pk"))
    return result


def rng_name(number: int) -> str:
    """A deterministic full name for demo person ``number``."""
    return f"{GIVEN[number * 7 % len(GIVEN)]} {FAMILY[number * 13 % len(FAMILY)]}"


def _demo_logins(
    epao: Organisation,
    provider: Organisation,
    employer: Organisation,
    records: list[SpecificationRecord],
) -> list[DemoLogin]:
    """One person per role who can sign in with the demo password."""
    password = make_password(DEMO_PASSWORD)
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
            _demo_apprentice(user, epao, provider, employer, records)
    return logins


def _demo_apprentice(
    user: User,
    epao: Organisation,
    provider: Organisation,
    employer: Organisation,
    records: list[SpecificationRecord],
) -> None:
    """The signing-in apprentice: on Highfield, at gateway, with the demo assessor and IQA."""
    if Registration.objects.filter(apprentice__user=user).exists():
        return
    record = next(r for r in records if r.spec_id == "st0071-highfield")
    apprentice = Apprentice.objects.create(
        epao=epao,
        uln=uln_for(999_999),
        given_names="Robin",
        family_name="Apprentice",
        date_of_birth=date(2003, 5, 14),
        email=user.email,
        user=user,
    )
    today = clock.today()
    registration = Registration.objects.create(
        epao=epao,
        apprentice=apprentice,
        provider=provider,
        employer=employer,
        specification=record,
        standard=record.standard,
        version=record.version,
        start_date=add_months(today, -16),
        on_programme_end_date=today - timedelta(days=7),
        planned_assessment_month=add_months(today, 2).replace(day=1),
        address_line_1="1 Demo Street",
        town="Leeds",
        postcode="LS1 4AP",
        assessor=User.objects.get(email="assessor@demo-epao.example"),
        iqa=User.objects.get(email="iqa@demo-epao.example"),
        created_by=User.objects.get(email="provider@demo-provider.example"),
        status=Registration.Status.GATEWAY,
    )
    GatewayComponent.objects.bulk_create(_components(registration, record))


def _profiles(epao: Organisation, records: list[SpecificationRecord]) -> None:
    """A profile for every assessor and IQA without one, approved for every specification.

    They work Monday to Friday, are spread over regions, and half of them assess remotely.
    """
    staff = User.objects.filter(
        epao=epao, role__in=[User.Role.ASSESSOR, User.Role.IQA], assessor_profile__isnull=True
    ).order_by("pk")
    spec_ids = sorted(record.spec_id for record in records)
    AssessorProfile.objects.bulk_create(
        [
            AssessorProfile(
                user=user,
                approved_specs=spec_ids,
                weekly_capacity=5 + number % 6,
                region=TOWNS[number % len(TOWNS)],
                assesses_remotely=number % 2 == 0,
            )
            for number, user in enumerate(staff)
        ],
        batch_size=BATCH,
    )


def _share_with_demo_staff(epao: Organisation) -> None:
    """Give the demo assessor and IQA some apprentices past the gateway, so their lists show."""
    accepted = Registration.objects.filter(
        epao=epao, status=Registration.Status.GATEWAY_ACCEPTED
    ).order_by("pk")
    assessor = User.objects.get(email="assessor@demo-epao.example")
    iqa = User.objects.get(email="iqa@demo-epao.example")
    Registration.objects.filter(pk__in=list(accepted.values_list("pk", flat=True)[:30])).update(
        assessor=assessor
    )
    Registration.objects.filter(pk__in=list(accepted.values_list("pk", flat=True)[:10])).update(
        iqa=iqa
    )


def _components(registration: Registration, record: SpecificationRecord) -> list[GatewayComponent]:
    """Gateway components for a registration, from its specification's requirements."""
    return components_from_spec(registration, rules_for(record)[0])


@transaction.atomic
def _create_batch(
    epao: Organisation,
    numbers: range,
    providers: list[Organisation],
    employers: list[Organisation],
    staff: dict[str, list[User]],
    records: list[SpecificationRecord],
    rng: random.Random,
) -> None:
    """Create one batch of apprentices, registrations and gateway components."""
    today = clock.today()
    creator = User.objects.filter(epao=epao, role=User.Role.PROVIDER).first()
    assert creator is not None
    apprentices = [
        Apprentice(
            epao=epao,
            uln=uln_for(number),
            given_names=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=date(
                1985 + rng.randrange(22), rng.randrange(1, 13), rng.randrange(1, 29)
            ),
            email=f"learner{number}@demo-learner.example",
            phone=f"07700 9{number % 100000:05d}",
        )
        for number in numbers
    ]
    Apprentice.objects.bulk_create(apprentices, batch_size=BATCH)
    stored = list(
        Apprentice.objects.filter(epao=epao, email__in=[a.email for a in apprentices]).order_by(
            "pk"
        )
    )
    registrations = []
    for apprentice in stored:
        record = rng.choice(records)
        spec, _ = rules_for(record)
        months = (
            spec.gateway.minimum_on_programme.amount.value
            if spec.gateway.minimum_on_programme
            else 12
        )
        start = today - timedelta(days=rng.randrange(30 * months - 200, 30 * months + 120))
        end = add_months(start, months)
        stage = rng.choices(
            [
                Registration.Status.REGISTERED,
                Registration.Status.GATEWAY,
                Registration.Status.GATEWAY_ACCEPTED,
            ],
            weights=[3, 4, 3],
        )[0]
        gateway_date = window_end = None
        if stage == Registration.Status.GATEWAY_ACCEPTED:
            gateway_date = max(end, today - timedelta(days=rng.randrange(0, 80)))
            gateway_date = min(gateway_date, today)
            rule = next(
                (
                    r
                    for r in spec.time_rules
                    if r.event == "last_assessment" and r.after == "gateway" and r.at_most
                ),
                None,
            )
            if rule is not None and rule.at_most is not None:
                window_end = shift(gateway_date, rule.at_most.unit, rule.at_most.value)
        registrations.append(
            Registration(
                epao=epao,
                apprentice=apprentice,
                provider=rng.choice(providers),
                employer=rng.choice(employers),
                specification=record,
                standard=record.standard,
                version=record.version,
                start_date=start,
                on_programme_end_date=end,
                planned_assessment_month=add_months(end, 1).replace(day=1),
                address_line_1=f"{rng.randrange(1, 200)} {rng.choice(FAMILY)} Road",
                town=rng.choice(TOWNS),
                postcode=f"LS{rng.randrange(1, 29)} {rng.randrange(1, 10)}AB",
                status=stage,
                gateway_date=gateway_date,
                epa_window_end=window_end,
                assessor=rng.choice(staff[User.Role.ASSESSOR])
                if stage == Registration.Status.GATEWAY_ACCEPTED
                else None,
                created_by=creator,
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    saved = Registration.objects.filter(apprentice__in=stored).select_related("specification")
    components: list[GatewayComponent] = []
    now = clock.now()
    for registration in saved:
        for component in _components(registration, registration.specification):
            if registration.status == Registration.Status.GATEWAY_ACCEPTED:
                component.status = GatewayComponent.Status.ACCEPTED
                component.attempts = 1
                component.accepted_at = now
            elif registration.status == Registration.Status.GATEWAY and rng.random() < 0.4:
                component.status = GatewayComponent.Status.IN_PROGRESS
            components.append(component)
    GatewayComponent.objects.bulk_create(components, batch_size=BATCH)
