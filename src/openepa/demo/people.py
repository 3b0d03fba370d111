"""The demo EPAO's organisations and staff: providers, employers, assessors and IQAs.

Rows are created with ``bulk_create`` in batches of :data:`BATCH`; each function tops up what
an earlier run made, so running the demo again adds nothing. Every assessor and IQA signs in
with the demo password (:func:`ensure_staff` is given its hash), like the named demo logins of
:mod:`openepa.demo.build`.
"""

from __future__ import annotations

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from openepa.accounts.models import Organisation, User
from openepa.demo.names import FAMILY, TOWNS, TRADES, rng_name, ukprn_for
from openepa.planning.models import AssessorProfile
from openepa.registration.models import Registration
from openepa.specifications.models import SpecificationRecord

# How many rows one bulk_create writes at a time (and how many apprentices a batch holds).
BATCH = 2000


def ensure_organisations(epao: Organisation, kind: str, count: int) -> list[Organisation]:
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


def ensure_staff(epao: Organisation, assessors: int, password: str) -> dict[str, list[User]]:
    """Assessors and IQAs of the demo EPAO, each signing in with the hashed ``password``.

    Staff made by an earlier demo without a usable password get it too.
    """
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
                    password=password,
                )
                for number in range(have + 1, count + 1)
            ],
            batch_size=BATCH,
        )
        User.objects.filter(
            epao=epao, role=role, password__startswith=UNUSABLE_PASSWORD_PREFIX
        ).update(password=password)
        result[role] = list(User.objects.filter(epao=epao, role=role).order_by("pk"))
    return result


def add_profiles(epao: Organisation, records: list[SpecificationRecord]) -> None:
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


def share_with_demo_staff(epao: Organisation) -> None:
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
