"""Input that is not what it seems on the record, IQA, results, claims and document pages.

Numbers in fullwidth, superscript or Arabic-Indic digits and a year of twenty digits give a page
that says what to fix, or 404 for a record number in a PDF link; never 500. The first half, from
registration to planning, is in test_unusual_digits.py.

Pat (Highfield) is past the gateway on 3 August 2026 with Anna allocated and Ivy the IQA;
today is 5 August 2026.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessment.models import Judgement, Sitting
from openepa.claims import services as claims
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.results.models import Result
from tests.epa import accept, record_method
from tests.web.unusual_input import (
    BAD_NUMBERS,
    FULLWIDTH,
    HUGE,
    TODAY,
    bad_dates,
    dated,
    hidden_inputs,
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


# --- the assessor's record and the IQA ----------------------------------------------------------


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
        "overall_grade": "Pass",
        **dated("achievement_date", "1", "7", "2026"),
        "recipient": "apprentice",
        "reason": "Checked",
    }
    cases: list[dict[str, str]] = [
        {"uln": claim.uln.translate(FULLWIDTH)},
        {"uln": "²" * 10},
        {"postcode": "ＬＳ１ １ＡＡ"},
        *bad_dates("achievement_date"),
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
