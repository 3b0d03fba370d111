"""An apprentice's page: every registered field, to the people in scope and no one else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.registration.models import Registration

MakeRegistration = Callable[..., Registration]


@pytest.fixture
def pats(add_registration: MakeRegistration, pat: User, anna: User) -> Registration:
    """Pat's registration on Highfield at Acme Training, assessed by Anna."""
    return add_registration(
        given_names="Pat",
        family_name="Young",
        apprentice_user=pat,
        assessor=anna,
        reasonable_adjustments="Extra time for the discussion",
        address_line_2="Flat 3",
    )


def url(registration: Registration) -> str:
    return f"/apprentices/{registration.pk}/"


def test_bob_sees_every_registered_field(
    login: Callable[[User], Client], bob: User, pats: Registration
) -> None:
    html = login(bob).get(url(pats)).content.decode()
    for text in [
        '<h1 class="govuk-heading-l">Pat Young</h1>',
        pats.apprentice.uln,
        "1 January 2000",
        pats.apprentice.email,
        "ST0071 Customer Service Specialist, version 1.2, level 3",
        "Highfield Assessment, st0071-highfield",
        "Acme Training (UKPRN 10012345)",
        "Bright Retail",
        "6 January 2025",
        "30 April 2026",
        "July 2026",
        "Extra time for the discussion",
        "1 High Street<br>Flat 3<br>Leeds<br>LS1 1AA",
        "Registered</strong>",
    ]:
        assert text in html, text


@pytest.mark.parametrize("person", ["alice", "bob", "erin", "pat"])
def test_the_certificate_address_is_shown_to_the_epao_and_the_three_parties(
    login: Callable[[User], Client], pats: Registration, person: str, request: pytest.FixtureRequest
) -> None:
    html = login(request.getfixturevalue(person)).get(url(pats)).content.decode()
    assert "Address for the certificate" in html


def test_the_assessor_sees_the_page_and_adjustments_but_not_the_address(
    login: Callable[[User], Client], anna: User, pats: Registration
) -> None:
    response = login(anna).get(url(pats))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Extra time for the discussion" in html
    assert "Address for the certificate" not in html
    assert "1 High Street" not in html


@pytest.mark.parametrize("person", ["charlie", "eve", "mallory", "ivy"])
def test_people_outside_the_scope_get_not_found(
    login: Callable[[User], Client], pats: Registration, person: str, request: pytest.FixtureRequest
) -> None:
    assert login(request.getfixturevalue(person)).get(url(pats)).status_code == 404


def test_an_unknown_apprentice_is_not_found(login: Callable[[User], Client], alice: User) -> None:
    assert login(alice).get("/apprentices/999999/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, pats: Registration) -> None:
    response = client.get(url(pats))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_nqual_lead_time_is_shown_as_met_with_the_earliest_date(
    login: Callable[[User], Client], bob: User, add_registration: MakeRegistration
) -> None:
    registration = add_registration(
        "st0071-nqual",
        created_at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
        planned_assessment_month=date(2027, 3, 1),
    )
    html = login(bob).get(url(registration)).content.decode()
    assert (
        "at least 90 days before assessment (NQual) — met: earliest assessment date "
        "20 February 2027"
    ) in html
    assert "the specification sets no minimum time on programme" in html


def test_highfield_shows_no_lead_time_and_the_earliest_gateway(
    login: Callable[[User], Client], bob: User, pats: Registration
) -> None:
    html = login(bob).get(url(pats)).content.decode()
    assert "None set: the Highfield Assessment specification sets no registration lead time" in html
    assert (
        "30 April 2026 (at least 15 months on programme from the start date, 6 January 2025; "
        in html
    )
    assert "on or after the on-programme end date, 30 April 2026)" in html


def test_the_epa_window_end_is_shown_once_set(
    login: Callable[[User], Client], bob: User, add_registration: MakeRegistration
) -> None:
    registration = add_registration(
        status=Registration.Status.GATEWAY_ACCEPTED,
        gateway_date=date(2026, 5, 4),
        epa_window_end=date(2026, 8, 4),
    )
    html = login(bob).get(url(registration)).content.decode()
    assert "EPA window ends" in html
    assert "4 August 2026" in html


def test_the_epao_admin_has_links_to_the_gateway_and_audit_trail(
    login: Callable[[User], Client], alice: User, bob: User, pats: Registration
) -> None:
    html = login(alice).get(url(pats)).content.decode()
    assert f'href="/gateway/{pats.pk}/"' in html
    assert f'href="/apprentices/{pats.pk}/history/"' in html
    bobs = login(bob).get(url(pats)).content.decode()
    assert f'href="/gateway/{pats.pk}/"' in bobs
    assert f'href="/apprentices/{pats.pk}/history/"' not in bobs


def test_alice_is_offered_allocation_once_the_gateway_is_accepted(
    login: Callable[[User], Client],
    alice: User,
    bob: User,
    add_registration: Callable[..., Registration],
) -> None:
    registration = add_registration(status="gateway_accepted")
    allocate = reverse("planning:allocate", args=[registration.pk])
    assert (
        allocate
        in login(alice).get(reverse("registration:detail", args=[registration.pk])).content.decode()
    )
    assert (
        allocate
        not in login(bob)
        .get(reverse("registration:detail", args=[registration.pk]))
        .content.decode()
    )
