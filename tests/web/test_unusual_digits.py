"""Input that is not what it seems: digits from other scripts and impossible years.

``str.isdigit()`` is true of "²", and ``int()`` reads fullwidth "１２３" and Arabic-Indic "٣";
a year of 99999999999999999999 overflows ``date()``. Every form and filter that takes a
number, an identifier or a date answers such input with a page that says what to fix (200 with
the GOV.UK error summary), or with 404 for an id in a URL's query that names nothing; never
500. A ULN in fullwidth digits of an apprentice already registered is refused, so no second
live registration is made.

Pat (Highfield) is past the gateway on 3 August 2026 with Anna allocated and Ivy the IQA;
today is 5 August 2026.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import Organisation, User
from openepa.assessment.models import Judgement, Sitting
from openepa.claims import services as claims
from openepa.claims.models import CertificateClaim
from openepa.gateway.models import PortfolioPiece
from openepa.kernel import clock
from openepa.registration.models import Apprentice, Registration
from openepa.results.models import Result
from tests.epa import accept, record_method
from tests.gateway.conftest import component, pdf
from tests.planning.conftest import approve
from tests.registration.conftest import CSV_HEADER, csv_row

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
OTHER_DIGITS = ["１２３", "²", "٣"]
HUGE = "99999999999999999999"
BAD_NUMBERS = [*OTHER_DIGITS, HUGE]
TODAY = date(2026, 8, 5)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def pats(
    make_registration: Callable[..., Registration], pat: User, anna: User, ivy: User
) -> Registration:
    """Pat's Highfield registration, past the gateway, Anna allocated."""
    approve(anna, "st0071-highfield")
    registration = make_registration(
        apprentice_user=pat, given_names="Pat", family_name="Apprentice"
    )
    return accept(registration, anna, ivy)


def shows_an_error(response: Any) -> str:
    """The page, after checking it is a page with the GOV.UK error summary (not a 500)."""
    assert response.status_code in (200, 400), response.status_code
    page = html.unescape(response.content.decode())
    assert "govuk-error-summary" in page
    return page


def dated(name: str, day: str = "1", month: str = "9", year: str = "2026") -> dict[str, str]:
    """The three boxes of a GOV.UK date input."""
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def bad_dates(name: str) -> list[dict[str, str]]:
    """A date typed in other digits, each box in turn, and with a huge year."""
    good = dated(name)
    cases = [{**good, key: good[key].translate(FULLWIDTH)} for key in good]
    cases += [{**good, f"{name}_month": "²"}, {**good, f"{name}_year": "٢٠٢٦"}]
    return [*cases, dated(name, year=HUGE), dated(name, day=HUGE, month=HUGE)]


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


# --- the assessor's record and the IQA ----------------------------------------------------------


def hidden_inputs(response: Any) -> dict[str, str]:
    text = response.content.decode()
    pattern = r'<input type="hidden" name="([^"]+)" value="([^"]*)"'
    return {html.unescape(n): html.unescape(v) for n, v in re.findall(pattern, text)}


def test_the_record_page_refuses_minutes_in_other_digits(
    pats: Registration,
    make_registration: Callable[..., Registration],
    anna: User,
    ivy: User,
    login: Callable[[User], Client],
) -> None:
    client = login(anna)
    url = reverse("assessment:record", args=[pats.pk, "observation"])
    loaded = hidden_inputs(client.get(url))
    for value in BAD_NUMBERS:
        data = {**loaded, "questioning_minutes": value, "action": "save"}
        shows_an_error(client.post(url, data))
        data = {**loaded, "orig-questioning_minutes": value, "questioning_minutes": "5"}
        assert client.post(url, {**data, "action": "save"}).status_code < 500
        shows_an_error(client.post(url, {**loaded, **dated("assessed_on", year=value)}))
    activeiq = accept(make_registration("st0072-activeiq"), anna, ivy)
    url = reverse("assessment:record", args=[activeiq.pk, "observation"])
    loaded = hidden_inputs(client.get(url))
    for value in BAD_NUMBERS:
        data = {
            **loaded,
            "occasions-count": "1",
            "occasion-0-on": "2026-09-15",
            "occasion-0-minutes": value,
            "action": "save",
        }
        assert "enter its minutes as a whole number" in shows_an_error(client.post(url, data))
        data.update({"occasions-count": value, "occasion-0-minutes": "60"})
        assert client.post(url, data).status_code < 500


def test_the_iqa_review_shows_evidence_named_in_other_digits_without_failing(
    make_registration: Callable[..., Registration],
    anna: User,
    ivy: User,
    login: Callable[[User], Client],
) -> None:
    registration = accept(make_registration(), anna, ivy)
    record = record_method(registration, "project", anna)
    judgement = Judgement.objects.filter(record=record).first()
    assert judgement is not None
    judgement.evidence = ["piece:²", "piece:１２", f"piece:{HUGE}", "piece:0"]
    judgement.save(update_fields=["evidence"])
    response = login(ivy).get(reverse("results:iqa_review", args=[record.pk]))
    assert response.status_code == 200
    assert "piece:²" in html.unescape(response.content.decode())


# --- results, resits, appeals and claims --------------------------------------------------------


def test_the_quality_settings_refuse_numbers_in_other_digits(
    alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    url = reverse("results:policy")
    loaded = hidden_inputs(client.get(url))
    data = {
        "revision": loaded["revision"],
        "sample_first_decisions": "5",
        "sample_all_fails": "yes",
        "sample_all_distinctions": "yes",
        "sample_percent_of_rest": "10",
        "appeal_period_days": "31",
        "claim_top_grade_immediately": "no",
    }
    for value in BAD_NUMBERS:
        for name in ("revision", "sample_first_decisions", "sample_percent_of_rest"):
            shows_an_error(client.post(url, {**data, name: value}))
        shows_an_error(client.post(url, {**data, "appeal_period_days": value}))


def test_the_resit_form_refuses_numbers_in_other_digits_and_huge_years(
    pats: Registration, alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    url = reverse("results:reassessment", args=[pats.pk])
    data = {
        "based_on": "1",
        "kind": "resit",
        "employer_agreed": "on",
        "employer_contact": "Erin Employer",
        **dated("employer_agreed_on", "20", "7", "2026"),
        "attempts_agreed": "2",
    }
    for value in BAD_NUMBERS:
        for name in ("based_on", "attempts_agreed"):
            shows_an_error(client.post(url, {**data, name: value}))
    for parts in bad_dates("employer_agreed_on"):
        shows_an_error(client.post(url, {**data, **parts}))
    assert not pats.sittings.exists()


@pytest.fixture
def claim(pats: Registration, alice: User) -> CertificateClaim:
    """A draft claim of Pat's released pass."""
    sitting = Sitting.objects.create(registration=pats, number=1, kind="first", methods=[])
    result = Result.objects.create(
        registration=pats,
        sitting=sitting,
        grade="pass",
        label="Pass",
        reason="Every method passed",
        methods=[],
        last_assessment_on=date(2026, 7, 1),
        released_by=alice,
        released_at=timezone.now(),
    )
    return claims.draft_claim_for_result(result, alice)


def test_the_claim_form_refuses_numbers_in_other_digits_and_huge_years(
    claim: CertificateClaim, alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    url = reverse("claims:edit", args=[claim.pk])
    data = {
        "revision": str(claim.revision),
        "uln": claim.uln,
        "family_name": "Apprentice",
        "given_names": "Pat",
        "standard_reference": "ST0071",
        "standard_code": "123",
        "version": "1.2",
        "overall_grade": "Pass",
        **dated("achievement_date", "1", "7", "2026"),
        "recipient": "apprentice",
        "reason": "Checked",
    }
    cases: list[dict[str, str]] = [
        {"uln": claim.uln.translate(FULLWIDTH)},
        {"uln": "²" * 10},
        {"standard_reference": "ST００７１"},
        {"standard_reference": "ST٠٠٧١"},
        {"version": "１.２"},
        *bad_dates("achievement_date"),
        *({"standard_code": value} for value in BAD_NUMBERS),
        *({"revision": value} for value in BAD_NUMBERS),
    ]
    for changed in cases:
        shows_an_error(client.post(url, {**data, **changed}))
    claim.refresh_from_db()
    assert (claim.revision, claim.standard_reference) == (1, "ST0071")


# --- documents ----------------------------------------------------------------------------------


def test_a_pdf_link_with_a_record_number_in_other_digits_is_not_found(
    pats: Registration, alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    for name in ("method-record", "plan-and-record", "gateway-report"):
        url = reverse("documents:pdf", args=[pats.pk, name])
        for value in [*BAD_NUMBERS, "0", "-1"]:
            response = client.get(url, {"method": "observation", "record": value})
            assert response.status_code == 404, (name, value)


def test_a_batch_of_letters_refuses_dates_in_other_digits_and_huge_years(
    alice: User, login: Callable[[User], Client]
) -> None:
    client = login(alice)
    url = reverse("documents:batches")
    for parts in bad_dates("released_from"):
        shows_an_error(client.post(url, {**parts, **dated("released_to")}))
