"""Registering apprentices for end-point assessment, one at a time or many from a CSV file.

A training provider registers an apprentice on one EPAO specification. The apprentice is found
by ULN within the EPAO (and must then have the same names and date of birth) or created. A ULN
holds at most one live registration on a standard, and the specification's registration lead
time must leave room before the planned assessment month. Every registration is all-or-nothing
and audited; the gateway components are created with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from openepa.accounts.models import Organisation, User
from openepa.audit.services import record_event
from openepa.kernel import clock, events, specs
from openepa.registration.access import registrations_for
from openepa.registration.events import ApprenticesRegistered
from openepa.registration.learner_checks import request_checks
from openepa.registration.models import Apprentice, LearnerCheck, Registration
from openepa.registration.timing import EarliestGateway, LeadTime, earliest_gateway, lead_time
from openepa.specifications.models import SpecificationRecord

BATCH_SIZE = 500

Problem = tuple[str, str]
"""A field name (or "" for the whole registration) and what to fix."""


@dataclass(frozen=True)
class RegistrationDetails:
    """What a provider registers about one apprentice, already checked field by field."""

    uln: str
    given_names: str
    family_name: str
    date_of_birth: date
    email: str
    phone: str
    employer: Organisation
    specification: SpecificationRecord
    start_date: date
    on_programme_end_date: date
    planned_assessment_month: date
    address_line_1: str
    town: str
    postcode: str
    address_line_2: str = ""
    reasonable_adjustments: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RegistrationDetails:
        """Details from a form's cleaned data (extra keys are ignored)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


class RegistrationRefused(Exception):  # noqa: N818 (a refusal with messages for the user)
    """One or more registrations cannot be made; ``problems`` maps a row's index to its problems."""

    def __init__(self, problems: dict[int, list[Problem]]) -> None:
        super().__init__("; ".join(m for found in problems.values() for _, m in found))
        self.problems = problems


def duplicate_message(uln: str, standard: str, held: int | None = None) -> str:
    """Why a second live registration of a ULN on a standard is refused, and what to do.

    ``held`` is the live registration when the person may see it: the message then links to
    its correction page (the EPAO admin may also withdraw it from the apprentice's page).
    """
    if held is None:
        return (
            f"ULN {uln} already has a live registration on {standard} with another training "
            f"provider: a ULN can hold only one live registration on a standard. Check the "
            f"ULN, or ask the EPAO to transfer that registration to you or withdraw it first"
        )
    return format_html(
        "ULN {} already has a live registration on {}: a ULN can hold only one live "
        'registration on a standard. If it is this apprenticeship, <a class="govuk-link" '
        'href="{}">correct it</a>, or ask the EPAO to withdraw it first',
        uln,
        standard,
        reverse("registration:correct", args=[held]),
    )


def _same_person(apprentice: Apprentice, row: RegistrationDetails) -> bool:
    """Whether the names and date of birth match the apprentice already held (any case)."""

    def simple(text: str) -> str:
        return " ".join(text.split()).casefold()

    return (
        simple(apprentice.given_names) == simple(row.given_names)
        and simple(apprentice.family_name) == simple(row.family_name)
        and apprentice.date_of_birth == row.date_of_birth
    )


def _mismatch_message(uln: str) -> str:
    return (
        f"ULN {uln} is already held on OpenEPA for an apprentice with a different name or date "
        f"of birth: check the ULN, the names and the date of birth against the apprentice's "
        f"record"
    )


def registration_problems(
    user: User,
    rows: Sequence[RegistrationDetails],
    *,
    today: date,
    row_numbers: Sequence[int] | None = None,
) -> dict[int, list[Problem]]:
    """Every reason the registrations in ``rows`` cannot be made, by index in ``rows``.

    Checks what needs the database or today's date: the employer belongs to the user's EPAO,
    the registration lead time of the specification, an apprentice already held under the
    ULN with other names, a live registration of the ULN on the same standard (already held,
    or twice in ``rows``). ``row_numbers`` name the rows in messages (a CSV file's row numbers).
    Takes a constant number of queries however many rows there are.
    """
    numbers = list(row_numbers) if row_numbers is not None else [i + 1 for i in range(len(rows))]
    held: dict[str, Apprentice] = {}
    live: dict[tuple[str, str], int | None] = {}
    for start in range(0, len(rows), BATCH_SIZE):
        batch = {row.uln for row in rows[start : start + BATCH_SIZE]}
        held.update(
            (apprentice.uln, apprentice)
            for apprentice in Apprentice.objects.filter(epao_id=user.epao_id, uln__in=batch)
        )
        live.update(live_registrations(user, batch))
    problems: dict[int, list[Problem]] = {}
    first_row_of: dict[tuple[str, str], int] = {}
    first_person: dict[str, tuple[int, RegistrationDetails]] = {}
    for index, row in enumerate(rows):
        found: list[Problem] = []
        standard = row.specification.standard
        if row.employer.epao_id != user.epao_id or row.employer.kind != Organisation.Kind.EMPLOYER:
            found.append(("employer", "Choose an employer from the list"))
        spec, _ = specs.rules_of(row)
        rule = lead_time(spec, today)
        if rule is not None:
            problem = rule.problem(row.planned_assessment_month)
            if problem:
                found.append(("planned_assessment_month", problem))
        apprentice = held.get(row.uln)
        if apprentice is not None and not _same_person(apprentice, row):
            found.append(("uln", _mismatch_message(row.uln)))
        if (row.uln, standard) in live:
            found.append(("uln", duplicate_message(row.uln, standard, live[row.uln, standard])))
        elif (row.uln, standard) in first_row_of:
            found.append(
                (
                    "uln",
                    f"ULN {row.uln} is also on row {numbers[first_row_of[row.uln, standard]]} "
                    f"for {standard}: a ULN can hold only one live registration on a standard, "
                    f"so remove one of the two rows",
                )
            )
        else:
            first_row_of[row.uln, standard] = index
        if apprentice is None and row.uln in first_person:
            earlier_index, earlier = first_person[row.uln]
            if not (
                earlier.given_names.casefold() == row.given_names.casefold()
                and earlier.family_name.casefold() == row.family_name.casefold()
                and earlier.date_of_birth == row.date_of_birth
            ):
                found.append(
                    (
                        "uln",
                        f"ULN {row.uln} is on row {numbers[earlier_index]} with a different "
                        f"name or date of birth: one ULN is one apprentice, so make the rows "
                        f"agree or correct the ULN",
                    )
                )
        else:
            first_person.setdefault(row.uln, (index, row))
        if found:
            problems[index] = found
    return problems


def live_registrations(user: User, ulns: set[str]) -> dict[tuple[str, str], int | None]:
    """The live registration of each ULN and standard among ``ulns`` in the user's EPAO.

    None stands for a registration outside the user's scope (another provider's).
    """
    found = Registration.objects.filter(
        epao_id=user.epao_id, apprentice__uln__in=ulns, status__in=Registration.LIVE
    ).values_list("apprentice__uln", "standard", "pk")
    visible = set(
        registrations_for(user)
        .filter(apprentice__uln__in=ulns, status__in=Registration.LIVE)
        .values_list("pk", flat=True)
    )
    return {(uln, standard): pk if pk in visible else None for uln, standard, pk in found}


def _provider_of(user: User) -> Organisation:
    """The training provider ``user`` registers for; only provider users may register."""
    organisation = user.organisation
    if (
        user.role != User.Role.PROVIDER
        or organisation is None
        or organisation.kind != Organisation.Kind.PROVIDER
        or organisation.epao_id != user.epao_id
    ):
        raise PermissionDenied("Only training-provider users can register apprentices")
    return organisation


@transaction.atomic
def register_apprentice(
    user: User, details: RegistrationDetails, *, today: date | None = None
) -> Registration:
    """Register one apprentice for ``user``'s training provider; audited.

    ``today`` is the registration date (the lead time runs from it). Raises
    :class:`RegistrationRefused` (problems under index 0) if the registration cannot be made.
    """
    return _register(user, [details], today=today, origin="")[0]


@transaction.atomic
def register_many(
    user: User,
    rows: Sequence[RegistrationDetails],
    *,
    today: date | None = None,
    file_name: str = "",
    row_numbers: Sequence[int] | None = None,
) -> list[Registration]:
    """Register every row, or none: raises :class:`RegistrationRefused` if any row is refused.

    Apprentices and registrations are inserted in batches; each is audited.
    """
    return _register(
        user,
        rows,
        today=today,
        origin=f"the CSV file {file_name}" if file_name else "a CSV file",
        row_numbers=row_numbers,
    )


def _register(
    user: User,
    rows: Sequence[RegistrationDetails],
    *,
    today: date | None,
    origin: str,
    row_numbers: Sequence[int] | None = None,
) -> list[Registration]:
    """Check and create the registrations of ``rows`` inside the caller's transaction."""
    provider = _provider_of(user)
    today = today or clock.today()
    problems = registration_problems(user, rows, today=today, row_numbers=row_numbers)
    if problems:
        raise RegistrationRefused(problems)
    try:
        with transaction.atomic():
            return _create(user, provider, rows, origin=origin, row_numbers=row_numbers)
    except IntegrityError:
        # Someone registered the same ULN at the same moment: say what clashed.
        problems = registration_problems(user, rows, today=today, row_numbers=row_numbers)
        raise RegistrationRefused(
            problems
            or {
                0: [
                    (
                        "uln",
                        "Another registration of this ULN was made at the same moment: "
                        "check the apprentice list, then try again",
                    )
                ]
            }
        ) from None


REGISTERED_FIELDS = (
    "provider",
    "employer",
    "specification",
    "standard",
    "version",
    "start_date",
    "on_programme_end_date",
    "planned_assessment_month",
    "reasonable_adjustments",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "status",
)
APPRENTICE_FIELDS = ("uln", "given_names", "family_name", "date_of_birth", "email", "phone")


def _create(
    user: User,
    provider: Organisation,
    rows: Sequence[RegistrationDetails],
    *,
    origin: str,
    row_numbers: Sequence[int] | None,
) -> list[Registration]:
    """Insert the apprentices not yet held and the registrations, audit each, build gateways."""
    epao = provider.tenant
    now = clock.now()
    ulns = sorted({row.uln for row in rows})
    held = _apprentices(epao, ulns)
    new: dict[str, Apprentice] = {}
    for row in rows:
        if row.uln not in held and row.uln not in new:
            new[row.uln] = Apprentice(
                epao=epao,
                uln=row.uln,
                given_names=row.given_names,
                family_name=row.family_name,
                date_of_birth=row.date_of_birth,
                email=row.email,
                phone=row.phone,
            )
    Apprentice.objects.bulk_create(new.values(), batch_size=BATCH_SIZE)
    if any(apprentice.pk is None for apprentice in new.values()):
        new = _apprentices(epao, sorted(new))
    apprentices = {**held, **new}

    registrations = [
        Registration(
            epao=epao,
            apprentice=apprentices[row.uln],
            provider=provider,
            employer=row.employer,
            specification=row.specification,
            standard=row.specification.standard,
            version=row.specification.version,
            start_date=row.start_date,
            on_programme_end_date=row.on_programme_end_date,
            planned_assessment_month=row.planned_assessment_month.replace(day=1),
            reasonable_adjustments=row.reasonable_adjustments.strip(),
            address_line_1=row.address_line_1.strip(),
            address_line_2=row.address_line_2.strip(),
            town=row.town,
            postcode=row.postcode,
            status=Registration.Status.REGISTERED,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
        for row in rows
    ]
    Registration.objects.bulk_create(registrations, batch_size=BATCH_SIZE)
    if any(registration.pk is None for registration in registrations):
        registrations = _refetch(registrations)

    for apprentice in new.values():
        record_event(
            actor=user,
            epao=epao,
            action="apprentice.created",
            obj=apprentice,
            summary=f"Added apprentice {apprentice.full_name} (ULN {apprentice.uln})",
            changes={name: (None, getattr(apprentice, name)) for name in APPRENTICE_FIELDS},
        )
    numbers = list(row_numbers) if row_numbers is not None else None
    for index, registration in enumerate(registrations):
        apprentice = registration.apprentice
        where = ""
        if origin:
            where = f" from {origin}" + (f" (row {numbers[index]})" if numbers else "")
        record_event(
            actor=user,
            epao=epao,
            action="registration.created",
            obj=registration,
            registration=registration,
            summary=(
                f"Registered {apprentice.full_name} (ULN {apprentice.uln}) on "
                f"{registration.standard} v{registration.version} "
                f"({registration.specification.spec_id}) with {provider.name}{where}"
            ),
            changes={name: (None, getattr(registration, name)) for name in REGISTERED_FIELDS},
        )
    events.publish(ApprenticesRegistered(registrations, user))
    request_checks(registrations, LearnerCheck.Reason.REGISTRATION, user)
    return registrations


def _apprentices(epao: Organisation, ulns: Sequence[str]) -> dict[str, Apprentice]:
    """The apprentices of ``epao`` held under ``ulns``, by ULN."""
    found: dict[str, Apprentice] = {}
    for start in range(0, len(ulns), BATCH_SIZE):
        found.update(
            (apprentice.uln, apprentice)
            for apprentice in Apprentice.objects.filter(
                epao=epao, uln__in=ulns[start : start + BATCH_SIZE]
            )
        )
    return found


def _refetch(registrations: list[Registration]) -> list[Registration]:
    """The saved rows of registrations inserted without their ids coming back.

    A live registration is unique per apprentice and standard, which identifies each one.
    """
    by_key: dict[tuple[int, str], Registration] = {}
    for start in range(0, len(registrations), BATCH_SIZE):
        batch = registrations[start : start + BATCH_SIZE]
        by_key.update(
            ((saved.apprentice_id, saved.standard), saved)
            for saved in Registration.objects.select_related("apprentice", "specification").filter(
                apprentice_id__in={r.apprentice_id for r in batch},
                status__in=Registration.LIVE,
            )
        )
    return [by_key[r.apprentice_id, r.standard] for r in registrations]


def timing_of(registration: Registration) -> tuple[LeadTime | None, EarliestGateway | None]:
    """The registration lead time (from the registration date) and the earliest gateway."""
    spec, _ = specs.rules_of(registration)
    registered_on = timezone.localdate(registration.created_at)
    return (
        lead_time(spec, registered_on),
        earliest_gateway(spec, registration.start_date, registration.on_programme_end_date),
    )
