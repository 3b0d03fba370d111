"""The demo apprentices and their registrations, at every stage of the journey built so far.

:func:`create_batch` creates one batch of bulk apprentices (registered, gateway in progress,
gateway accepted) with their gateway components, in one transaction;
:func:`add_demo_apprentice` the apprentice who signs in, at gateway on Highfield.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from openepa.accounts.models import Organisation, User
from openepa.demo.names import FAMILY, GIVEN, TOWNS, uln_for
from openepa.demo.people import BATCH
from openepa.gateway.components import components_from_spec
from openepa.gateway.models import GatewayComponent
from openepa.kernel import clock, specs
from openepa.registration.models import Apprentice, Registration
from openepa.rules.dates import add_months, shift
from openepa.rules.model import Specification
from openepa.specifications.models import SpecificationRecord


def add_demo_apprentice(
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


def _components(registration: Registration, record: SpecificationRecord) -> list[GatewayComponent]:
    """Gateway components for a registration, from its specification's requirements."""
    return components_from_spec(registration, specs.rules_of_record(record)[0])


@transaction.atomic
def window_end_after(spec: Specification, gateway_date: date) -> date | None:
    """The EPA window's end for a gateway on ``gateway_date``, by the specification's rule."""
    rule = next(
        (
            r
            for r in spec.time_rules
            if r.event == "last_assessment" and r.after == "gateway" and r.at_most
        ),
        None,
    )
    if rule is None or rule.at_most is None:
        return None
    return shift(gateway_date, rule.at_most.unit, rule.at_most.value)


def create_batch(
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
        spec, _ = specs.rules_of_record(record)
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
            window_end = window_end_after(spec, gateway_date)
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
