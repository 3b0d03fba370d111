"""Correcting a registration's details: the registration form's checks, audited field by field.

Bob (Acme Training) and Alice (the EPAO admin) correct what was registered about Sam. Only an
EPAO admin changes a ULN, with a reason, and never to a ULN another live registration holds.
Two people correcting at once never overwrite each other: the second is told who changed it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.registration.corrections import correct_details
from openepa.registration.lifecycle import LifecycleRefused, RegistrationChanged
from openepa.registration.models import Registration
from tests.conftest import make_uln

MakeRegistration = Callable[..., Registration]


@pytest.fixture
def sams(add_registration: MakeRegistration) -> Registration:
    return add_registration(given_names="Sam", family_name="Taylor")


def url(registration: Registration) -> str:
    return f"/apprentices/{registration.pk}/correct/"


def posted(registration: Registration, **overrides: str) -> dict[str, str]:
    """The correction form as the page shows it, with ``overrides`` typed in."""
    apprentice = registration.apprentice
    data = {
        "revision": str(registration.revision),
        "uln": apprentice.uln,
        "given_names": apprentice.given_names,
        "family_name": apprentice.family_name,
        "date_of_birth_day": str(apprentice.date_of_birth.day),
        "date_of_birth_month": str(apprentice.date_of_birth.month),
        "date_of_birth_year": str(apprentice.date_of_birth.year),
        "email": apprentice.email,
        "phone": "07700 900982",
        "start_date_day": "6",
        "start_date_month": "1",
        "start_date_year": "2025",
        "on_programme_end_date_day": "30",
        "on_programme_end_date_month": "4",
        "on_programme_end_date_year": "2026",
        "planned_assessment_month_month": "7",
        "planned_assessment_month_year": "2026",
        "reasonable_adjustments": "",
        "address_line_1": registration.address_line_1,
        "address_line_2": "",
        "town": registration.town,
        "postcode": registration.postcode,
        "reason": "Typo on the registration form",
    }
    data.update(overrides)
    return data


def values(registration: Registration, **overrides: object) -> dict[str, object]:
    """The corrected values the service is given, as the form cleans them."""
    apprentice = registration.apprentice
    data: dict[str, object] = {
        "uln": apprentice.uln,
        "given_names": apprentice.given_names,
        "family_name": apprentice.family_name,
        "date_of_birth": apprentice.date_of_birth,
        "email": apprentice.email,
        "phone": apprentice.phone,
        "start_date": registration.start_date,
        "on_programme_end_date": registration.on_programme_end_date,
        "planned_assessment_month": registration.planned_assessment_month,
        "reasonable_adjustments": registration.reasonable_adjustments,
        "address_line_1": registration.address_line_1,
        "address_line_2": registration.address_line_2,
        "town": registration.town,
        "postcode": registration.postcode,
    }
    data.update(overrides)
    return data


def test_correct_details_saves_and_audits_each_field(
    login: Callable[[User], Client], bob: User, sams: Registration
) -> None:
    client = login(bob)
    page = client.get(url(sams)).content.decode().replace("&#x27;", "'")
    assert "Correct Sam Taylor's details" in page
    response = client.post(
        url(sams),
        posted(sams, given_names="Samuel", postcode="ls2 7ub", reason="Name as on passport"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/apprentices/{sams.pk}/"
    shown = response.content.decode().replace("&#x27;", "'")
    assert "Samuel Taylor's details were corrected" in shown  # the name as corrected
    sams.refresh_from_db()
    sams.apprentice.refresh_from_db()
    assert (sams.apprentice.given_names, sams.postcode) == ("Samuel", "LS2 7UB")
    assert sams.revision == 2
    event = AuditEvent.objects.get(action="registration.corrected")
    assert event.actor == bob
    assert event.reason == "Name as on passport"
    assert event.changes["given_names"] == {"old": "Sam", "new": "Samuel"}
    assert event.changes["postcode"] == {"old": "LS1 1AA", "new": "LS2 7UB"}
    assert "family_name" not in event.changes


def test_correct_details_uses_the_registration_forms_checks(
    login: Callable[[User], Client], bob: User, sams: Registration
) -> None:
    response = login(bob).post(
        url(sams),
        posted(
            sams,
            uln="12345",
            postcode="nowhere",
            on_programme_end_date_year="2024",
            reason="",
        ),
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "A ULN is 10 digits: you entered 5 digits" in html
    assert "Enter a full UK postcode, like LS1 4AP or SW1A 2AA" in html
    assert "On-programme end date must be after the apprenticeship start date" in html
    assert "Say why the details are corrected" in html
    sams.refresh_from_db()
    assert sams.revision == 1


def test_correct_details_uln_only_by_an_epao_admin_with_a_reason(
    bob: User, alice: User, sams: Registration
) -> None:
    new_uln = make_uln(777)
    old_uln = sams.apprentice.uln
    with pytest.raises(LifecycleRefused, match="Only an EPAO admin can change a ULN"):
        correct_details(sams, bob, values=values(sams, uln=new_uln), reason="Wrong ULN", revision=1)
    with pytest.raises(LifecycleRefused, match="Say why the details are corrected"):
        correct_details(sams, alice, values=values(sams, uln=new_uln), reason=" ", revision=1)
    changes = correct_details(
        sams, alice, values=values(sams, uln=new_uln), reason="ULN from the ILR", revision=1
    )
    assert changes["uln"] == (old_uln, new_uln)
    sams.apprentice.refresh_from_db()
    assert sams.apprentice.uln == new_uln


def test_correct_details_uln_refused_when_another_live_registration_holds_it(
    login: Callable[[User], Client],
    alice: User,
    sams: Registration,
    add_registration: MakeRegistration,
) -> None:
    other = add_registration(given_names="Lee", family_name="Smith")
    response = login(alice).post(url(sams), posted(sams, uln=other.apprentice.uln))
    html = response.content.decode().replace("&#x27;", "'")
    assert f"ULN {other.apprentice.uln} already has a live registration" in html
    assert f'href="/apprentices/{other.pk}/"' in html
    sams.apprentice.refresh_from_db()
    assert sams.apprentice.uln != other.apprentice.uln


def test_correct_details_refused_when_someone_else_saved_first(
    login: Callable[[User], Client], bob: User, alice: User, sams: Registration
) -> None:
    shown = posted(sams)  # Bob's page, at revision 1
    correct_details(sams, alice, values=values(sams, town="York"), reason="Moved house", revision=1)
    response = login(bob).post(url(sams), {**shown, "given_names": "Samuel"})
    html = response.content.decode().replace("&#x27;", "'")
    assert "Alice Admin changed this registration" in html
    assert "Samuel" in html  # Bob's typing is kept on the page
    sams.refresh_from_db()
    sams.apprentice.refresh_from_db()
    assert (sams.town, sams.apprentice.given_names) == ("York", "Sam")
    with pytest.raises(RegistrationChanged):
        correct_details(sams, bob, values=values(sams), reason="x", revision=1)


def test_correct_details_only_by_the_admin_and_the_provider(
    login: Callable[[User], Client],
    erin: User,
    charlie: User,
    pat: User,
    mallory: User,
    sams: Registration,
) -> None:
    assert login(erin).get(url(sams)).status_code == 403
    assert login(pat).get(url(sams)).status_code == 403
    assert login(charlie).get(url(sams)).status_code == 404
    assert login(mallory).get(url(sams)).status_code == 404


def test_correct_details_keeps_the_lead_time_check(
    login: Callable[[User], Client], bob: User, add_registration: MakeRegistration
) -> None:
    """NQual asks for 90 days before assessment, counted from the registration date."""
    from django.utils import timezone

    nqual = add_registration(
        "st0071-nqual", created_at=timezone.make_aware(timezone.datetime(2026, 6, 1, 12))
    )
    response = login(bob).post(
        url(nqual),
        posted(nqual, planned_assessment_month_month="6", planned_assessment_month_year="2026"),
    )
    assert "NQual asks for registration at least 90 days before assessment" in (
        response.content.decode().replace("&#x27;", "'")
    )
    nqual.refresh_from_db()
    assert nqual.planned_assessment_month == date(2026, 7, 1)


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@pytest.mark.parametrize("digits", [FULLWIDTH, SUPERSCRIPT], ids=["fullwidth", "superscript"])
def test_correct_details_refuses_a_uln_in_other_digits(
    login: Callable[[User], Client],
    alice: User,
    sams: Registration,
    add_registration: MakeRegistration,
    digits: dict[int, int],
) -> None:
    other = add_registration(given_names="Lee", family_name="Smith")
    typed = other.apprentice.uln.translate(digits)
    response = login(alice).post(url(sams), posted(sams, uln=typed))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    sams.apprentice.refresh_from_db()
    assert sams.apprentice.uln not in (typed, other.apprentice.uln)


def test_correct_details_refuses_a_date_of_birth_making_the_apprentice_five(
    login: Callable[[User], Client], alice: User, sams: Registration
) -> None:
    response = login(alice).post(
        url(sams),
        posted(sams, date_of_birth_day="26", date_of_birth_month="10", date_of_birth_year="2019"),
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    sams.apprentice.refresh_from_db()
    assert sams.apprentice.date_of_birth.year != 2019


def test_a_uln_starting_with_0_says_where_to_check_it_once() -> None:
    from django.core.exceptions import ValidationError

    from openepa.registration.forms import clean_uln

    with pytest.raises(ValidationError) as refused:
        clean_uln("0123456789")
    [message] = refused.value.messages
    assert message.count("learner record") == 1
    assert "check it against" not in message
    assert message.startswith("ULN should")
    with pytest.raises(ValidationError) as refused:
        clean_uln("1234567890")  # a wrong check digit
    [message] = refused.value.messages
    assert message.endswith(": check it against the apprentice's learner record")


def test_the_banner_names_the_apprentice_by_the_corrected_family_name(
    login: Callable[[User], Client], bob: User, sams: Registration
) -> None:
    response = login(bob).post(
        url(sams), posted(sams, family_name="Taylor-Jones", reason="Married"), follow=True
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert "Sam Taylor-Jones's details were corrected" in page
    assert "Sam Taylor's details" not in page
