"""Input that is not what it seems: digits from other scripts and impossible years.

``str.isdigit()`` is true of "²", and ``int()`` reads fullwidth "１２３" and Arabic-Indic "٣";
a year of 99999999999999999999 overflows ``date()``. Every form and filter that takes a
number, an identifier or a date answers such input with a page that says what to fix (200 with
the GOV.UK error summary), or with 404 for an id in a URL's query that names nothing; never
500. A ULN in fullwidth digits of an apprentice already registered is refused, so no second
live registration is made. The record, IQA, results, claims and document pages are in
test_unusual_digits_in_results.py.

Pat (Highfield) is past the gateway on 3 August 2026 with Anna allocated and Ivy the IQA;
today is 5 August 2026.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.gateway.models import PortfolioPiece
from openepa.kernel import clock
from openepa.registration.models import Apprentice, Registration
from tests.gateway.conftest import component, pdf
from tests.registration.conftest import CSV_HEADER, csv_row
from tests.web.unusual_input import (
    ARABIC_INDIC,
    BAD_NUMBERS,
    FULLWIDTH,
    HUGE,
    TODAY,
    bad_dates,
    dated,
    pats_past_gateway,
    shows_an_error,
)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def pats(
    make_registration: Callable[..., Registration], pat: User, anna: User, ivy: User
) -> Registration:
    """Pat's Highfield registration, past the gateway, Anna allocated."""
    return pats_past_gateway(make_registration, pat, anna, ivy)


# --- registration -------------------------------------------------------------------------------


def registration_data(employer: Organisation, spec_pk: int, /, **overrides: str) -> dict[str, str]:
    data = {
        "uln": "",
        "given_names": "Pat",
        "family_name": "Apprentice",
        **dated("date_of_birth", "1", "1", "2000"),
        "email": "pat@example.org",
        "phone": "07700 900982",
        "employer": str(employer.pk),
        "specification": str(spec_pk),
        **dated("start_date", "6", "1", "2025"),
        **dated("on_programme_end_date", "30", "4", "2026"),
        "planned_assessment_month_month": "6",
        "planned_assessment_month_year": "2040",
        "address_line_1": "1 High Street",
        "town": "Leeds",
        "postcode": "LS1 4AP",
    }
    data.update(overrides)
    return data


def test_a_fullwidth_uln_of_an_apprentice_already_registered_is_refused(
    pats: Registration, bob: User, employer: Organisation, login: Callable[[User], Client]
) -> None:
    client = login(bob)
    url = reverse("registration:create")
    held = pats.apprentice.uln
    for uln in (held.translate(FULLWIDTH), held.translate(ARABIC_INDIC), "²" * 10):
        data = registration_data(employer, pats.specification_id, uln=uln)
        page = shows_an_error(client.post(url, data))
        assert "A ULN contains only digits 0 to 9" in page
    assert Registration.objects.count() == 1
    assert Apprentice.objects.count() == 1


def test_the_registration_form_refuses_dates_in_other_digits_or_huge_years(
    pats: Registration, bob: User, employer: Organisation, login: Callable[[User], Client]
) -> None:
    client = login(bob)
    url = reverse("registration:create")
    for name in ("date_of_birth", "start_date", "on_programme_end_date"):
        for parts in bad_dates(name):
            data = registration_data(employer, pats.specification_id, uln="9999999009", **parts)
            shows_an_error(client.post(url, data))
    for month, year in (("６", "2040"), ("6", HUGE), ("6", "²")):
        data = registration_data(
            employer,
            pats.specification_id,
            uln="9999999009",
            planned_assessment_month_month=month,
            planned_assessment_month_year=year,
        )
        shows_an_error(client.post(url, data))
    for phone in ("０７７００ ９００９８２", "²" * 11):
        data = registration_data(employer, pats.specification_id, uln="9999999009", phone=phone)
        assert "Enter a phone number" in shows_an_error(client.post(url, data))
    data = registration_data(employer, pats.specification_id, uln="9999999009", employer="１")
    shows_an_error(client.post(url, data))
    assert Registration.objects.count() == 1


def test_a_csv_file_in_other_digits_registers_nobody_and_says_which_cells(
    pats: Registration, bob: User, login: Callable[[User], Client]
) -> None:
    held = pats.apprentice.uln
    rows = [
        csv_row(uln=held.translate(FULLWIDTH), given_names="Pat", family_name="Apprentice"),
        csv_row(uln="²" * 10),
        csv_row(uln="9999999009", date_of_birth="２００４-03-27"),
        csv_row(uln="5555555503", start_date="06/01/٢٠٢٥"),
        csv_row(uln="1000871095", planned_assessment_month="2040-０６"),
    ]
    text = "\n".join([CSV_HEADER, *rows]) + "\n"
    upload = SimpleUploadedFile("apprentices.csv", text.encode(), content_type="text/csv")
    page = shows_an_error(login(bob).post(reverse("registration:upload"), {"file": upload}))
    for row in range(2, 7):
        assert f"Row {row}, " in page
    assert Registration.objects.count() == 1


# --- organisations and people -------------------------------------------------------------------


def test_a_ukprn_in_other_digits_is_refused(alice: User, login: Callable[[User], Client]) -> None:
    client = login(alice)
    for ukprn in ("²" * 8, "10012345".translate(FULLWIDTH), "10012345".translate(ARABIC_INDIC)):
        response = client.post(
            reverse("people:add_organisation"),
            {"kind": "provider", "name": "North College", "ukprn": ukprn},
        )
        assert "Enter a UKPRN of 8 digits" in shows_an_error(response)
    assert not Organisation.objects.filter(name="North College").exists()


def test_people_and_invitations_read_an_organisation_only_in_ascii_digits(
    pats: Registration, alice: User, provider: Organisation, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    fullwidth = str(provider.pk).translate(FULLWIDTH)
    for value in [*BAD_NUMBERS, fullwidth]:
        people = client.get(reverse("people:people"), {"organisation": value})
        assert people.status_code == 404
        assert client.get(reverse("people:invite"), {"organisation": value}).status_code == 200
        invited = {"email": "dan@acme.example", "full_name": "Dan", "role": "provider"}
        response = client.post(reverse("people:invite"), {**invited, "organisation": value})
        assert "Choose an organisation from the list" in shows_an_error(response)
    for uln in (pats.apprentice.uln.translate(FULLWIDTH), "²" * 10):
        response = client.post(
            reverse("people:invite"), {"role": "apprentice", "email": "", "uln": uln}
        )
        assert "Enter a ULN of 10 digits" in shows_an_error(response)


# --- lists and their filters --------------------------------------------------------------------

LISTS = {
    "alice": [
        "registration:list",
        "people:people",
        "people:organisations",
        "people:invitations",
        "gateway:review_queue",
        "planning:assessors",
        "planning:allocations",
        "planning:at_risk",
        "submissions:questions",
        "claims:list",
        "results:release_queue",
        "results:appeals",
        "documents:batches",
        "notifications:inbox",
    ],
    "ivy": ["results:iqa_queue"],
    "anna": ["results:my_appeals"],
}


@pytest.mark.parametrize("who", sorted(LISTS))
def test_every_list_reads_a_page_number_in_other_digits_as_the_first_page(
    pats: Registration, who: str, request: pytest.FixtureRequest, login: Callable[[User], Client]
) -> None:
    client = login(request.getfixturevalue(who))
    urls = [reverse(name) for name in LISTS[who]]
    if who == "alice":
        urls.append(reverse("registration:history", args=[pats.pk]))
    for url in urls:
        for page in [*BAD_NUMBERS, "-1", "1.5"]:
            assert client.get(url, {"page": page}).status_code == 200, (url, page)


def test_list_filters_in_other_digits_are_ignored_or_explained(
    pats: Registration, alice: User, provider: Organisation, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    fullwidth = str(provider.pk).translate(FULLWIDTH)
    for value in [*BAD_NUMBERS, fullwidth]:
        listed = client.get(
            reverse("registration:list"), {"provider": value, "q": value, "status": value}
        )
        assert listed.status_code == 200
        for name in ("days", "provider", "assessor"):
            shows_an_error(client.get(reverse("planning:at_risk"), {name: value}))
    for parts in bad_dates("window_ends_by"):
        shows_an_error(client.get(reverse("planning:at_risk"), parts))
    for name in ("claims:list", "results:appeals", "gateway:review_queue"):
        for value in BAD_NUMBERS:
            query = {"status": value, "sort": value, "q": value}
            assert client.get(reverse(name), query).status_code == 200


# --- gateway ------------------------------------------------------------------------------------


def test_a_portfolio_piece_dated_in_other_digits_or_a_huge_year_is_refused(
    make_registration: Callable[..., Registration], pat: User, login: Callable[[User], Client]
) -> None:
    registration = make_registration(apprentice_user=pat)
    portfolio = component(registration, "portfolio")
    client = login(pat)
    url = reverse("gateway:piece_add", args=[registration.pk, portfolio.pk])
    piece = {"title": "Witness statement", "evidence_type": "witness_statement", "ksbs": ["K2"]}
    for parts in bad_dates("evidence_date"):
        page = shows_an_error(client.post(url, {**piece, **parts, "file": pdf()}))
        assert "Date of the evidence must" in page
    assert not PortfolioPiece.objects.exists()


# --- planning -----------------------------------------------------------------------------------


def test_planning_forms_refuse_numbers_in_other_digits_and_huge_years(
    pats: Registration, alice: User, anna: User, login: Callable[[User], Client]
) -> None:
    admin, assessor = login(alice), Client()
    assessor.force_login(anna, backend="django.contrib.auth.backends.ModelBackend")
    profile = reverse("planning:profile_edit", args=[anna.pk])
    profile_data = {
        "revision": "1",
        "approved_specs": ["st0071-highfield"],
        "weekly_capacity": "4",
        "working_days": ["0", "1"],
        "assesses_remotely": "yes",
    }
    for value in BAD_NUMBERS:
        for name in ("weekly_capacity", "revision"):
            shows_an_error(admin.post(profile, {**profile_data, name: value}))
        shows_an_error(admin.post(profile, {**profile_data, "working_days": [value]}))
    unavailable = reverse("planning:unavailable_add", args=[anna.pk])
    for parts in bad_dates("first_day"):
        shows_an_error(admin.post(unavailable, {**parts, **dated("last_day")}))
    relationship = reverse("planning:relationship_add", args=[anna.pk])
    for uln in ("1000871095".translate(FULLWIDTH), "²" * 10):
        data = {"kind": "knows_apprentice", "uln": uln, **dated("declared_on")}
        assert "Enter a ULN of 10 digits" in shows_an_error(assessor.post(relationship, data))
    for parts in bad_dates("declared_on"):
        data = {"kind": "knows_apprentice", "uln": "1000871095", **parts}
        shows_an_error(assessor.post(relationship, data))
    allocate = reverse("planning:allocate", args=[pats.pk])
    for value in BAD_NUMBERS:
        data = {"revision": value, "assessor": str(anna.pk), "iqa": value, "reason": "Moved"}
        shows_an_error(admin.post(allocate, data))


def plan_data(**overrides: str) -> dict[str, str]:
    data = {
        "revision": "0",
        **dated("meeting_on", "5", "8", "2026"),
        **dated("project_date", "21", "9", "2026"),
        "project_mode": "face_to_face",
        "discussion_mode": "face_to_face",
        "observation_mode": "face_to_face",
    }
    data.update(overrides)
    return data


def test_the_plan_and_bookings_refuse_numbers_in_other_digits_and_huge_years(
    pats: Registration, anna: User, login: Callable[[User], Client]
) -> None:
    client = login(anna)
    plan = reverse("planning:plan_edit", args=[pats.pk])
    for name in ("meeting_on", "project_date"):
        for parts in bad_dates(name):
            shows_an_error(client.post(plan, plan_data(**parts)))
    for value in BAD_NUMBERS:
        shows_an_error(client.post(plan, plan_data(revision=value)))
    book = reverse("planning:booking_add", args=[pats.pk])
    booking = {
        "method": "observation",
        **dated("on", "14", "9", "2026"),
        "starts_at": "10:00",
        "minutes": "60",
        "mode": "face_to_face",
    }
    for parts in [*bad_dates("on"), *bad_dates("report_submitted_on")]:
        shows_an_error(client.post(book, {**booking, **parts}))
    for minutes in ["６０", "²", "٣٠", HUGE, "30, ３0"]:
        page = shows_an_error(client.post(book, {**booking, "minutes": minutes}))
        assert "Enter the minutes of each occasion as whole numbers" in page
    for starts_at in ("１０:００", "1²:00"):
        shows_an_error(client.post(book, {**booking, "starts_at": starts_at}))
    assert not pats.bookings.exists()
