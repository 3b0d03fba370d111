"""What the registration service refuses: duplicates, another person's ULN, the lead time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.registration import services
from openepa.registration.models import Apprentice, Registration
from openepa.registration.services import (
    Problem,
    RegistrationDetails,
    RegistrationRefused,
    register_apprentice,
)

Details = Callable[..., RegistrationDetails]
TODAY = date(2026, 11, 22)


def test_a_second_live_registration_on_the_same_standard_is_refused(
    bob: User, details: Details
) -> None:
    register_apprentice(bob, details(), today=TODAY)
    with pytest.raises(RegistrationRefused) as refused:
        register_apprentice(bob, details("st0071-nqual"), today=TODAY)
    [(field, message)] = refused.value.problems[0]
    assert field == "uln"
    assert "already has a live registration on ST0071" in message
    assert Registration.objects.count() == 1


def test_another_provider_cannot_register_the_same_ulns_standard_again(
    bob: User, charlie: User, details: Details
) -> None:
    register_apprentice(bob, details(), today=TODAY)
    with pytest.raises(RegistrationRefused):
        register_apprentice(charlie, details(), today=TODAY)


def test_the_same_uln_may_be_registered_on_another_standard(bob: User, details: Details) -> None:
    register_apprentice(bob, details(), today=TODAY)
    register_apprentice(bob, details("st0072-activeiq"), today=TODAY)
    assert Apprentice.objects.count() == 1
    assert sorted(Registration.objects.values_list("standard", flat=True)) == [
        "ST0071",
        "ST0072",
    ]


def test_a_withdrawn_registration_does_not_block_a_new_one(bob: User, details: Details) -> None:
    first = register_apprentice(bob, details(), today=TODAY)
    Registration.objects.filter(pk=first.pk).update(status=Registration.Status.WITHDRAWN)
    second = register_apprentice(bob, details(), today=TODAY)
    assert second.apprentice_id == first.apprentice_id


def test_the_database_constraint_backs_up_the_check(
    bob: User, details: Details, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two registrations at the same moment: the check misses the other, the database does not."""
    register_apprentice(bob, details(), today=TODAY)
    real = services.registration_problems
    checks = []

    def first_check_misses_the_clash(*args: Any, **kwargs: Any) -> dict[int, list[Problem]]:
        checks.append(1)
        return {} if len(checks) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "registration_problems", first_check_misses_the_clash)
    with pytest.raises(RegistrationRefused) as refused:
        register_apprentice(bob, details(), today=TODAY)
    [(_, message)] = refused.value.problems[0]
    assert "already has a live registration on ST0071" in message
    assert Registration.objects.count() == 1


def test_a_uln_held_under_another_name_is_refused_without_revealing_it(
    bob: User, charlie: User, details: Details
) -> None:
    register_apprentice(bob, details(), today=TODAY)
    with pytest.raises(RegistrationRefused) as refused:
        register_apprentice(charlie, details("st0072-activeiq", given_names="Alex"), today=TODAY)
    [(field, message)] = refused.value.problems[0]
    assert field == "uln"
    assert "different name or date of birth" in message
    assert "Sam" not in message


def test_names_match_whatever_their_case(bob: User, details: Details) -> None:
    register_apprentice(bob, details(), today=TODAY)
    register_apprentice(
        bob, details("st0072-activeiq", given_names="SAM", family_name="taylor"), today=TODAY
    )
    assert Apprentice.objects.get().given_names == "Sam"


def test_nqual_refuses_a_planned_month_less_than_90_days_away(bob: User, details: Details) -> None:
    with pytest.raises(RegistrationRefused) as refused:
        register_apprentice(
            bob,
            details(
                "st0071-nqual",
                on_programme_end_date=date(2026, 12, 31),
                planned_assessment_month=date(2027, 1, 1),
            ),
            today=TODAY,
        )
    [(field, message)] = refused.value.problems[0]
    assert field == "planned_assessment_month"
    assert message == (
        "NQual asks for registration at least 90 days before assessment: the earliest "
        "assessment date is 20 February 2027, so choose a planned assessment month of "
        "February 2027 or later"
    )
    assert not Registration.objects.exists()


def test_nqual_accepts_a_planned_month_at_least_90_days_away(bob: User, details: Details) -> None:
    registration = register_apprentice(
        bob,
        details(
            "st0071-nqual",
            on_programme_end_date=date(2026, 12, 31),
            planned_assessment_month=date(2027, 2, 1),
        ),
        today=TODAY,
    )
    assert registration.specification.spec_id == "st0071-nqual"


def test_the_lead_time_message_reaches_the_form(
    login: Callable[[User], Client],
    bob: User,
    form_data: Callable[..., dict[str, str]],
    specs: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    response = login(bob).post(
        "/apprentices/register/",
        form_data(
            specification=str(specs["st0071-nqual"].pk),  # type: ignore[attr-defined]
            on_programme_end_date_month="12",
            on_programme_end_date_day="31",
            planned_assessment_month_month="1",
            planned_assessment_month_year="2027",
        ),
    )
    html = response.content.decode()
    assert "the earliest assessment date is 20 February 2027" in html
    assert 'href="#id_planned_assessment_month"' in html
    assert not Registration.objects.exists()


@pytest.mark.parametrize("role_user", ["alice", "erin", "anna"])
def test_the_service_refuses_anyone_but_a_provider(
    details: Details, role_user: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied):
        register_apprentice(request.getfixturevalue(role_user), details(), today=TODAY)


def test_an_employer_of_another_epao_is_refused(bob: User, mallory: User, details: Details) -> None:
    from openepa.accounts.models import Organisation

    elsewhere = Organisation.objects.create(
        kind=Organisation.Kind.EMPLOYER, name="Elsewhere", epao=mallory.epao
    )
    with pytest.raises(RegistrationRefused) as refused:
        register_apprentice(bob, details(employer=elsewhere), today=TODAY)
    assert refused.value.problems[0] == [("employer", "Choose an employer from the list")]
