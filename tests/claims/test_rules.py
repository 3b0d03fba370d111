"""The readiness rules and status moves of certificate claims (pure Python)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from openepa.rules.claims import (
    ALLOWED_MOVES,
    ClaimData,
    claim_grades,
    claim_problems,
    move_problem,
    normalise_postcode,
)
from openepa.rules.loader import load_catalogue

RELEASED = date(2026, 11, 22)  # + 31 days: the appeal period ends on 23 December 2026
GOOD = ClaimData(
    uln="1234567890",  # check digit: replaced below with a valid ULN
    family_name="Example",
    given_names="Pat",
    standard_reference="ST0071",
    standard_code=123,
    version="1.2",
    option="",
    overall_grade="Pass",
    achievement_date=date(2026, 11, 20),
    recipient="apprentice",
    contact_name="Pat Example",
    organisation="",
    address_line_1="1 High Street",
    city="Leeds",
    postcode="LS1 1AA",
    held_family_name="Example",
    result_grade="Pass",
)


def _valid_uln() -> str:
    from openepa.demo.names import uln_for

    return uln_for(7919)


def _problems(
    claim: ClaimData | None = None,
    today: date = date(2026, 12, 24),
    *,
    days: int = 31,
    top_now: bool = False,
    open_appeal: bool = False,
) -> list[str]:
    data = claim or replace(GOOD, uln=_valid_uln())
    return claim_problems(data, today, RELEASED, days, top_now, open_appeal)


def test_a_complete_claim_after_the_appeal_period_has_no_problem() -> None:
    assert _problems() == []


def test_the_claim_waits_until_the_day_after_the_appeal_period_ends() -> None:
    message = (
        "The appeal period of 31 days ends on 23 December 2026; the claim can be marked "
        "ready from 24 December 2026"
    )
    assert _problems(today=date(2026, 12, 23)) == [message]
    assert _problems(today=RELEASED) == [message]
    assert _problems(today=date(2026, 12, 24)) == []


def test_the_appeal_period_is_the_epaos_setting() -> None:
    assert _problems(today=date(2026, 11, 30), days=7) == []
    assert "ends on 29 November 2026" in _problems(today=date(2026, 11, 29), days=7)[0]


def test_a_distinction_is_claimed_at_once_only_when_the_policy_says_so() -> None:
    distinction = replace(GOOD, uln=_valid_uln(), overall_grade="Distinction")
    distinction = replace(distinction, result_grade="Distinction")
    assert _problems(distinction, today=RELEASED, top_now=True) == []
    [problem] = _problems(distinction, today=RELEASED, top_now=False)
    assert "ends on 23 December 2026" in problem
    assert "policy does not claim a distinction before the appeal period" in problem


def test_the_top_grade_setting_does_not_hurry_a_pass() -> None:
    [problem] = _problems(today=RELEASED, top_now=True)
    assert problem.startswith("The appeal period of 31 days ends on 23 December 2026")


def test_an_open_appeal_blocks_readiness() -> None:
    [problem] = _problems(open_appeal=True)
    assert problem.startswith("An appeal against this result is open")
    assert "once the appeal is decided" in problem


def test_every_missing_required_field_is_named() -> None:
    empty = replace(
        GOOD,
        uln="",
        family_name=" ",
        contact_name="",
        address_line_1="",
        city="",
        postcode="",
        standard_code=None,
        achievement_date=None,
    )
    problems = _problems(empty)
    for expected in (
        "Enter the apprentice's ULN",
        "Enter the apprentice's family name",
        "Enter the name of the person the certificate is posted to",
        "Enter the first line of the postal address",
        "Enter the town or city of the postal address",
        "Enter the postcode of the postal address",
        "Enter the standard's LARS code",
        "Enter the achievement date",
    ):
        assert any(p.startswith(expected) for p in problems), expected


def test_the_employer_as_recipient_needs_the_organisation() -> None:
    to_employer = replace(GOOD, uln=_valid_uln(), recipient="employer")
    assert _problems(to_employer) == [
        "Enter the employer's name as the organisation, since the certificate is sent to the "
        "employer"
    ]
    assert _problems(replace(to_employer, organisation="Bright Retail")) == []


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("ls1 1aa", "LS1 1AA"),
        ("  SW1A1AA ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55  1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_uk_postcodes_are_normalised(typed: str, normal: str) -> None:
    assert normalise_postcode(typed) == normal


@pytest.mark.parametrize("typed", ["", "LS1", "12345", "QS1 1AA", "LS1 1CA", "SW1A 1AAA", "V1 1AA"])
def test_non_uk_postcodes_are_refused(typed: str) -> None:
    assert normalise_postcode(typed) is None


def test_an_invalid_postcode_stops_the_claim() -> None:
    [problem] = _problems(replace(GOOD, uln=_valid_uln(), postcode="90210"))
    assert problem.startswith('"90210" is not a UK postcode')
    assert "like LS1 1AA" in problem


def test_a_uln_with_a_wrong_check_digit_stops_the_claim() -> None:
    uln = _valid_uln()
    wrong = uln[:9] + str((int(uln[9]) + 1) % 10)
    problems = _problems(replace(GOOD, uln=wrong))
    assert any("check digit" in p and wrong in p for p in problems)


def test_a_family_name_differing_from_the_one_held_for_the_uln_is_caught() -> None:
    claim = replace(GOOD, uln=_valid_uln(), family_name="Smyth", held_family_name="Smith")
    [problem] = _problems(claim)
    assert '"Smyth"' in problem
    assert '"Smith"' in problem
    assert "do not match" in problem
    assert "Correct the claim's family name" in problem


def test_the_family_name_comparison_ignores_case_and_spaces() -> None:
    claim = replace(GOOD, uln=_valid_uln(), family_name=" van der BERG ")
    assert _problems(replace(claim, held_family_name="Van der Berg")) == []
    assert _problems(replace(claim, held_family_name="Vander Berg")) == []


def test_a_uln_no_apprentice_has_is_caught() -> None:
    [problem] = _problems(replace(GOOD, uln=_valid_uln(), held_family_name=None))
    assert problem.startswith(f"No apprentice of this EPAO has the ULN {_valid_uln()}")


def test_the_grade_must_be_the_released_one_in_the_services_words() -> None:
    claim = replace(GOOD, uln=_valid_uln(), overall_grade="Distinction")
    [problem] = _problems(claim)
    assert "differs from the released result (Pass)" in problem
    [problem] = _problems(replace(claim, overall_grade="Excellent"))
    assert "is not one the apprenticeship assessment service accepts" in problem
    [problem] = _problems(replace(GOOD, uln=_valid_uln(), result_grade=None))
    assert "no longer an achievement" in problem


def test_an_achievement_date_in_the_future_is_refused() -> None:
    claim = replace(GOOD, uln=_valid_uln(), achievement_date=date(2026, 12, 25))
    [problem] = _problems(claim)
    assert "25 December 2026 is in the future" in problem
    assert _problems(replace(claim, achievement_date=date(2026, 12, 24))) == []


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("draft", "ready"),
        ("ready", "submitted"),
        ("ready", "draft"),
        ("submitted", "printed"),
        ("printed", "delivered"),
        ("printed", "returned"),
        ("delivered", "returned"),
        ("returned", "ready"),
    ],
)
def test_allowed_moves(current: str, target: str) -> None:
    assert move_problem(current, target) is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("draft", "submitted"),
        ("draft", "printed"),
        ("ready", "delivered"),
        ("submitted", "draft"),
        ("submitted", "returned"),
        ("delivered", "draft"),
        ("returned", "submitted"),
        ("draft", "draft"),
    ],
)
def test_other_moves_are_refused_saying_what_is_allowed(current: str, target: str) -> None:
    problem = move_problem(current, target)
    assert problem is not None
    assert problem.startswith(f"A {current} claim cannot be marked {target}")
    allowed = ALLOWED_MOVES[current]
    assert all(status in problem for status in allowed)


def test_an_unknown_status_is_refused() -> None:
    assert move_problem("draft", "lost") == '"lost" is not a status of a claim'


@pytest.mark.parametrize(
    "spec_id",
    ["st0071-highfield", "st0071-nqual", "st0071-epakit", "st0072-excelme", "st0072-activeiq"],
)
def test_claim_grades_are_those_the_specification_awards(spec_id: str) -> None:
    spec = load_catalogue().specification(spec_id)
    assert claim_grades(spec) == ("Pass", "Distinction")


def test_claim_grades_follow_an_overall_table_without_a_distinction() -> None:
    spec = load_catalogue().specification("st0071-nqual")
    table = [
        {**row, "grade": "pass" if row["grade"] == "distinction" else row["grade"]}
        for row in spec.overall.table
    ]
    capped = spec.model_copy(update={"overall": spec.overall.model_copy(update={"table": table})})
    assert claim_grades(capped) == ("Pass",)
