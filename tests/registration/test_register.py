"""Bob at Acme Training registers an apprentice with the form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.gateway.models import GatewayComponent
from openepa.registration.models import Apprentice, Registration
from tests.registration.conftest import make_uln

URL = "/apprentices/register/"

FormData = Callable[..., dict[str, str]]


def test_bob_registers_an_apprentice_and_sees_the_page(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    client = login(bob)
    response = client.post(URL, form_data(), follow=True)
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert response.redirect_chain[-1][0] == f"/apprentices/{registration.pk}/"
    html = response.content.decode()
    assert "Sam Taylor is registered on ST0071 v1.2 with Highfield Assessment" in html
    assert registration.provider == bob.organisation
    assert registration.standard == "ST0071"
    assert registration.version == "1.2"
    assert registration.planned_assessment_month == date(2040, 6, 1)
    assert registration.postcode == "LS1 4AP"
    assert registration.status == Registration.Status.REGISTERED
    assert registration.apprentice.uln == make_uln(900)


def test_the_registration_is_audited_with_its_values(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    login(bob).post(URL, form_data())
    registration = Registration.objects.get()
    event = AuditEvent.objects.get(action="registration.created")
    assert event.actor == bob
    assert event.registration == registration
    assert event.changes["planned_assessment_month"] == {"old": None, "new": "2040-06-01"}
    assert event.changes["postcode"] == {"old": None, "new": "LS1 4AP"}
    assert AuditEvent.objects.filter(action="apprentice.created").count() == 1


def test_the_gateway_components_are_built_from_the_specification(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    login(bob).post(URL, form_data())
    registration = Registration.objects.get()
    assert GatewayComponent.objects.filter(registration=registration).exists()


@pytest.mark.parametrize(
    ("uln", "message"),
    [
        ("123456789", "A ULN is 10 digits: you entered 9 digits"),
        ("12345678901", "A ULN is 10 digits: you entered 11 digits"),
        ("12345A7890", "A ULN contains only digits"),
        ("", "Enter the apprentice&#x27;s ULN"),
    ],
)
def test_malformed_ulns_are_refused_with_what_to_fix(
    login: Callable[[User], Client], bob: User, form_data: FormData, uln: str, message: str
) -> None:
    response = login(bob).post(URL, form_data(uln=uln))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_a_uln_with_a_wrong_check_digit_is_refused(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    valid = make_uln(900)
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    response = login(bob).post(URL, form_data(uln=wrong))
    html = response.content.decode()
    assert "the check digit (the last digit) does not match the others" in html
    assert 'href="#id_uln"' in html  # the error summary links to the field
    assert not Registration.objects.exists()


def test_a_valid_uln_typed_with_spaces_is_accepted(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    uln = make_uln(900)
    login(bob).post(URL, form_data(uln=f"{uln[:4]} {uln[4:7]} {uln[7:]}"))
    assert Apprentice.objects.get().uln == uln


def test_the_form_keeps_what_was_typed_when_something_is_wrong(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    response = login(bob).post(
        URL,
        form_data(
            postcode="NOT A POSTCODE",
            reasonable_adjustments="Extra time for the written project",
        ),
    )
    html = response.content.decode()
    assert "Enter a full UK postcode, like LS1 4AP or SW1A 2AA" in html
    assert 'value="Sam"' in html
    assert 'value="Taylor"' in html
    assert 'value="NOT A POSTCODE"' in html
    assert 'name="date_of_birth_year" type="text" inputmode="numeric" value="2004"' in html
    assert (
        'name="planned_assessment_month_year" type="text" inputmode="numeric" value="2040"' in html
    )
    assert "Extra time for the written project</textarea>" in html
    assert " selected>Bright Retail</option>" in html
    assert "<title>Error: Register an apprentice" in html


def test_the_on_programme_end_date_must_be_after_the_start(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    response = login(bob).post(
        URL,
        form_data(
            on_programme_end_date_day="1",
            on_programme_end_date_month="1",
            on_programme_end_date_year="2025",
        ),
    )
    assert "On-programme end date must be after the apprenticeship start date" in (
        response.content.decode()
    )
    assert not Registration.objects.exists()


def test_a_date_that_does_not_exist_is_refused(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    response = login(bob).post(URL, form_data(date_of_birth_day="31", date_of_birth_month="2"))
    assert "Date of birth must be a real date" in response.content.decode()


@pytest.mark.parametrize("role_user", ["alice", "anna", "ivy", "erin", "pat"])
def test_only_training_providers_may_register(
    login: Callable[[User], Client],
    form_data: FormData,
    role_user: str,
    request: pytest.FixtureRequest,
) -> None:
    client = login(request.getfixturevalue(role_user))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403
    assert not Registration.objects.exists()


def test_the_form_offers_only_the_epaos_own_employers(
    login: Callable[[User], Client], bob: User, mallory: User, form_data: FormData
) -> None:
    from openepa.accounts.models import Organisation

    Organisation.objects.create(
        kind=Organisation.Kind.EMPLOYER, name="Elsewhere Ltd", epao=mallory.epao
    )
    html = login(bob).get(URL).content.decode()
    assert "Bright Retail" in html
    assert "Elsewhere Ltd" not in html
    assert "ST0071 Customer Service Specialist v1.2 (level 3), NQual [st0071-nqual]" in html


def test_duplicate_uln_message_links_to_the_registration_to_correct(
    login: Callable[[User], Client], bob: User, form_data: FormData
) -> None:
    client = login(bob)
    client.post(URL, form_data())
    existing = Registration.objects.get()
    html = client.post(URL, form_data(specification=form_data()["specification"])).content.decode()
    assert f"ULN {existing.apprentice.uln} already has a live registration on ST0071" in html
    assert (
        f'<a class="govuk-link" href="/apprentices/{existing.pk}/correct/">correct it</a>' in html
    )
    assert "or ask the EPAO to withdraw it first" in html
    assert Registration.objects.count() == 1
