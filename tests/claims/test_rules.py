"""The readiness rules and status moves of certificate claims (pure Python).

Each refusal reads the assessment service's words followed by what to do in OpenEPA.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from openepa.rules.claims import (
    ALLOWED_MOVES,
    SET_BY_SERVICE,
    ClaimData,
    Problem,
    allowed_moves,
    certificate_fields,
    claim_grades,
    claim_problems,
    lars_code_of,
    learner_lookup_problem,
    move_problem,
    service_problem,
)
from openepa.rules.loader import load_catalogue
from openepa.rules.service import HeldLearner, StandardFacts

RELEASED = date(2026, 11, 22)  # + 31 days: the appeal period ends on 23 December 2026
AFTER = date(2026, 12, 24)
GOOD = ClaimData(
    uln="1234567880",
    family_name="Van Dijk",
    given_names="Pat",
    standard_reference="ST0071",
    version="1.2",
    course_option="",
    overall_grade="Pass",
    achievement_date=date(2026, 11, 20),
    recipient="apprentice",
    contact_name="Pat Van Dijk",
    department="",
    organisation="Bright Retail",
    address_line_1="1 High Street",
    address_line_2="",
    address_line_3="",
    city="Leeds",
    postcode="LS1 1AA",
    standard=StandardFacts("ST0071", 123, ("1.2",)),
    held=HeldLearner(family_name="Van Dijk", completion_status=2, version="1.2"),
    held_by_service=True,
    result_grade="Pass",
    awarded_grades=("Pass", "Distinction"),
    consent_in_force=True,
    lookup="matched",
)


def _problems(
    claim: ClaimData = GOOD,
    today: date = AFTER,
    *,
    days: int = 31,
    top_now: bool = False,
    open_appeal: bool = False,
) -> list[Problem]:
    return claim_problems(claim, today, RELEASED, days, top_now, open_appeal)


def _one(claim: ClaimData, today: date = AFTER) -> Problem:
    [problem] = _problems(claim, today)
    return problem


def test_a_complete_claim_after_the_appeal_period_has_no_problem() -> None:
    assert _problems() == []


def test_van_dijk_held_by_the_service_as_van_dijk_is_ready_in_any_case() -> None:
    assert _problems(replace(GOOD, family_name="van dijk")) == []
    assert _problems(replace(GOOD, family_name="VAN DIJK")) == []


def test_vandijk_is_flagged_against_the_name_the_service_matched() -> None:
    problem = _one(replace(GOOD, family_name="VanDijk"))
    assert problem == (
        'ULN, FamilyName and Standard not found. The family name on the claim ("VanDijk") '
        'is not the one the service matched for ULN 1234567880 ("Van Dijk"), letter for '
        "letter in any case: correct the claim's family name"
    )
    assert problem.fix == "claim"


def test_a_learner_the_service_did_not_find_is_flagged() -> None:
    problem = _one(replace(GOOD, held=None))
    assert problem.startswith(
        "ULN, FamilyName and Standard not found. The service's latest look-up found no "
        'learner with ULN 1234567880 and family name "Van Dijk" for ST0071'
    )
    assert problem.fix == "learner"


def test_without_a_look_up_the_claim_is_compared_with_openepas_record() -> None:
    record = replace(GOOD, held=HeldLearner(family_name="Smith"), held_by_service=False)
    problem = _one(replace(record, family_name="Smyth"))
    assert problem.startswith("ULN, FamilyName and Standard not found. The family name on the")
    assert '("Smyth") does not match the family name held for ULN 1234567880 ("Smith")' in problem
    assert "or the apprentice's record if that is the one that is wrong" in problem
    assert _problems(replace(record, family_name="smith")) == []
    assert _problems(replace(record, family_name="Sm ith")) != []
    nobody = _one(replace(GOOD, held=None, held_by_service=False))
    assert nobody == (
        "ULN, FamilyName and Standard not found. No apprentice of this EPAO has the ULN "
        "1234567880; check the ULN against the apprentice's record"
    )


@pytest.mark.parametrize(
    ("lookup", "words"),
    [
        ("none", "has not been looked up at the assessment service yet"),
        ("waiting", "is still waiting for the assessment service to answer a look-up"),
        ("unavailable", "could not be checked at the assessment service"),
    ],
)
def test_learner_lookup_problem(lookup: str, words: str) -> None:
    record = replace(GOOD, held=HeldLearner(family_name="Van Dijk"), held_by_service=False)
    problem = _one(replace(record, lookup=lookup))
    assert problem.startswith(f"The apprentice {words}")
    assert "so the family name cannot be compared with the learner the service holds" in problem
    assert problem.fix == "lookup"
    assert learner_lookup_problem(replace(record, lookup="")) is None  # no service: the record
    for answered in ("matched", "name_differs", "withdrawn", "not_found"):
        assert learner_lookup_problem(replace(GOOD, lookup=answered)) is None


def test_a_learner_withdrawn_at_the_service_is_flagged() -> None:
    problem = _one(replace(GOOD, held=replace(GOOD.held, completion_status=3)))  # type: ignore[type-var]
    assert problem.startswith(
        "Cannot find the apprentice details. The service holds the apprentice as withdrawn"
    )
    assert problem.fix == "learner"


def test_the_version_and_option_the_service_holds_must_match() -> None:
    held = HeldLearner(family_name="Van Dijk", version="1.1", course_option="")
    problem = _one(replace(GOOD, held=held))
    assert problem == (
        "Incorrect version for learner. The service holds version 1.1 for this apprentice "
        "and the registration has 1.2: if 1.2 is right, ask the training provider to "
        "correct the learner record (the ILR) and look the apprentice up again; if not, the "
        "apprentice was registered on the wrong version of the standard"
    )
    assert problem.fix == "learner"


def test_a_uln_starting_with_0_is_refused_with_the_services_words() -> None:
    problem = _one(replace(GOOD, uln="0123456789"))
    assert problem.startswith("ULN should contain exactly 10 numbers. ")
    assert 'The ULN "0123456789" must be 10 digits and never starts with 0' in problem


def test_a_uln_with_a_wrong_check_digit_is_refused() -> None:
    problem = _one(replace(GOOD, uln="1234567881"))
    assert problem.startswith("ULN is not valid: its check digit (the last digit) does not")
    assert "Correct the ULN (1234567881)" in problem


def test_postcode_w1p_1aa_is_refused_with_the_services_words() -> None:
    problem = _one(replace(GOOD, postcode="W1P 1AA"))
    assert problem == (
        'Provide a valid UK postcode. "W1P 1AA" is not a postcode the service takes: enter '
        "the UK postcode the certificate is posted to, like LS1 1AA"
    )
    assert problem.fix == "claim"


@pytest.mark.parametrize(
    "postcode", ["W1A 1AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "GIR 0AA"]
)
def test_postcodes_the_service_takes_are_accepted(postcode: str) -> None:
    assert _problems(replace(GOOD, postcode=postcode)) == []


@pytest.mark.parametrize(
    ("field", "words", "advice"),
    [
        ("contact_name", "Provide a contact name.", "Enter the name of the person"),
        ("organisation", "Provide an organisation.", "Enter the organisation on the claim"),
        ("address_line_1", "Provide an address.", "Enter the first line of the postal address"),
        ("city", "Provide a city or town.", "Enter the town or city"),
        ("postcode", "Provide a postcode.", "Enter the postcode of the postal address"),
        ("family_name", "Provide apprentice family name.", "Enter the apprentice's family name"),
    ],
)
def test_every_required_field_is_named_in_the_services_words(
    field: str, words: str, advice: str
) -> None:
    problem = _one(replace(GOOD, **{field: " "}))
    assert problem.startswith(f"{words} {advice}")


def test_the_organisation_is_required_whoever_the_certificate_goes_to() -> None:
    for recipient in ("apprentice", "employer"):
        problem = _one(replace(GOOD, recipient=recipient, organisation=""))
        assert problem.startswith("Provide an organisation. Enter the organisation")


def test_without_a_lars_code_the_reference_names_the_standard() -> None:
    # The service takes the standard's reference alone and fills in its code.
    without_code = replace(GOOD, standard=StandardFacts("ST0071", None, ("1.2",)))
    assert _problems(without_code) == []


def test_a_standard_not_loaded_is_refused_with_where_to_look() -> None:
    problem = _one(
        replace(GOOD, standard_reference="ST0099", standard=StandardFacts("ST0071", None, ("1.2",)))
    )
    assert problem.startswith("Provide a valid Standard. The claim names the standard")
    assert problem.fix == "standards"


def test_two_lars_codes_for_one_standard_are_refused() -> None:
    problem = _one(replace(GOOD, lars_code_conflict=(123, 456)))
    assert problem.startswith("StandardReference and StandardCode must be for the same Standard.")
    assert "gives the LARS code 123 but the LARS code set on the Standards" in problem
    assert problem.fix == "standards"


def test_lars_code_of() -> None:
    assert lars_code_of(123, None) == 123
    assert lars_code_of(None, 456) == 456
    assert lars_code_of(123, 456) == 456
    assert lars_code_of(None, None) is None


def test_a_version_not_loaded_is_refused() -> None:
    problem = _one(replace(GOOD, version="1.3", held=replace(GOOD.held, version="")))  # type: ignore[type-var]
    assert problem.startswith("Invalid version for Standard. Version 1.3 of ST0071 is not one")
    assert "(1.2)" in problem


def test_a_course_option_must_be_empty_or_one_of_the_standards() -> None:
    problem = _one(replace(GOOD, course_option="French"))
    assert problem.startswith(
        "No course option available for this Standard and version. Must be empty. ST0071 "
        "version 1.2 has no course options"
    )
    options = StandardFacts("ST0071", 123, ("1.2",), {"1.2": ("French", "German")})
    assert _problems(replace(GOOD, standard=options, course_option="german")) == []
    problem = _one(replace(GOOD, standard=options, course_option="Spanish"))
    assert problem.startswith("Invalid course option for this Standard and version.")
    assert problem.endswith("Choose one of the standard's course options on the claim")


def test_a_fail_is_refused_with_the_services_words() -> None:
    problem = _one(replace(GOOD, overall_grade="Fail"))
    assert problem.startswith("Cannot record a Fail grade via API. A certificate is claimed only")


def test_a_grade_the_service_does_not_know_is_refused() -> None:
    problem = _one(replace(GOOD, overall_grade="Excellent"))
    assert problem.startswith("You must enter a valid grade. Must be one of the following: Pass")
    assert problem.endswith("Choose Pass or Distinction on the claim")


def test_only_grades_the_specification_awards_and_the_one_released() -> None:
    merit = _one(replace(GOOD, overall_grade="Merit"))
    assert merit == (
        'The grade "Merit" is not one the specification awards; choose Pass or Distinction'
    )
    outstanding = replace(GOOD, overall_grade="Outstanding")
    assert _one(outstanding).startswith('The grade "Outstanding" is not one the specification')
    distinction = _one(replace(GOOD, overall_grade="Distinction"))
    assert distinction == (
        "The claim's grade (Distinction) differs from the released result (Pass); change the "
        "claim's grade to Pass"
    )
    gone = _one(replace(GOOD, result_grade=None))
    assert gone.startswith("The result is no longer an achievement")


def test_the_achievement_date_is_from_2017_to_today() -> None:
    early = _one(replace(GOOD, achievement_date=date(2016, 12, 31)))
    assert early == (
        "Achievement date cannot be before 01 01 2017. Enter the date the result was achieved: "
        "31 December 2016 is before 1 January 2017"
    )
    late = _one(replace(GOOD, achievement_date=date(2026, 12, 25)))
    assert late.startswith("Achievement date cannot be in the future. ")
    assert "25 December 2026 is after today" in late
    assert _problems(replace(GOOD, achievement_date=AFTER)) == []
    assert _one(replace(GOOD, achievement_date=None)).startswith(
        "Provide the achievement date. Enter the achievement date on the claim"
    )


def test_without_the_apprentices_permission_no_claim_is_ready() -> None:
    problem = _one(replace(GOOD, consent_in_force=False))
    assert problem.startswith(
        "The apprentice's written permission to apply for their certificate is not recorded."
    )
    assert "Record it on the apprentice's page" in problem
    assert problem.fix == "consent"


def test_the_claim_waits_until_the_day_after_the_appeal_period_ends() -> None:
    message = (
        "The appeal period of 31 days ends on 23 December 2026; the claim can be marked "
        "ready from 24 December 2026"
    )
    assert _problems(today=date(2026, 12, 23)) == [message]
    assert _problems(today=RELEASED, claim=replace(GOOD, achievement_date=RELEASED)) == [message]


def test_the_appeal_period_is_the_epaos_setting() -> None:
    assert _problems(today=date(2026, 11, 30), days=7) == []
    assert "ends on 29 November 2026" in _problems(today=date(2026, 11, 29), days=7)[0]


def test_a_distinction_is_claimed_at_once_only_when_the_policy_says_so() -> None:
    distinction = replace(
        GOOD, overall_grade="Distinction", result_grade="Distinction", achievement_date=RELEASED
    )
    assert _problems(distinction, today=RELEASED, top_now=True) == []
    [problem] = _problems(distinction, today=RELEASED, top_now=False)
    assert "policy does not claim a distinction before the appeal period" in problem


def test_an_open_appeal_blocks_readiness() -> None:
    [problem] = _problems(open_appeal=True)
    assert problem.startswith("An appeal against this result is open")


def test_service_problem_has_a_fallback() -> None:
    problem = service_problem("Something new the service says", GOOD)
    assert problem == "Something new the service says. Correct the claim and check it again"


def test_certificate_fields_carry_the_standards_lars_code() -> None:
    fields = certificate_fields(replace(GOOD, uln=" 1234567880 "))
    assert (fields.standard_code, fields.uln, fields.organisation) == (
        123,
        "1234567880",
        "Bright Retail",
    )


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("draft", "ready"),
        ("ready", "submitted"),
        ("ready", "draft"),
        ("submitted", "sent_to_printer"),
        ("submitted", "printed"),
        ("sent_to_printer", "printed"),
        ("printed", "delivered"),
        ("printed", "not_delivered"),
        ("delivered", "not_delivered"),
        ("not_delivered", "ready"),
    ],
)
def test_allowed_moves_by_hand(current: str, target: str) -> None:
    assert move_problem(current, target) is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("draft", "submitted"),
        ("draft", "printed"),
        ("ready", "delivered"),
        ("submitted", "draft"),
        ("submitted", "not_delivered"),
        ("delivered", "draft"),
        ("not_delivered", "submitted"),
        ("draft", "draft"),
    ],
)
def test_other_moves_are_refused_saying_what_is_allowed(current: str, target: str) -> None:
    problem = move_problem(current, target)
    assert problem is not None
    assert "cannot be marked" in problem
    assert problem.startswith(f"A {current.replace('_', ' ')}") or "delivery attempted" in problem


def test_the_services_status_words() -> None:
    assert move_problem("printed", "not_delivered") is None
    problem = move_problem("not_delivered", "submitted")
    assert problem == (
        "A delivery attempted claim cannot be marked submitted; from delivery attempted it "
        "can only be marked ready"
    )


def test_once_the_service_is_configured_only_it_sets_the_statuses_from_submitted() -> None:
    for target in SET_BY_SERVICE:
        problem = move_problem("ready", target, service_configured=True)
        assert problem is not None
        assert "only by the apprenticeship assessment service" in problem
        assert "OpenEPA submits the certificate and follows it at the service" in problem
    assert move_problem("draft", "ready", service_configured=True) is None
    assert move_problem("ready", "draft", service_configured=True) is None
    assert allowed_moves("ready", service_configured=True) == ("draft",)
    assert allowed_moves("ready", service_configured=False) == ALLOWED_MOVES["ready"]
    assert allowed_moves("printed", service_configured=True) == ()


def test_an_unknown_status_is_refused() -> None:
    assert move_problem("draft", "returned") == '"returned" is not a status of a claim'


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


def test_st0071_and_st0072_have_no_course_options() -> None:
    catalogue = load_catalogue()
    standards = catalogue.standards.values() if isinstance(catalogue.standards, dict) else []
    assert {standard.reference for standard in standards} == {"ST0071", "ST0072"}
    assert all(standard.course_options == [] for standard in standards)


def test_the_course_option_the_service_holds_must_match() -> None:
    options = StandardFacts("ST0071", 123, ("1.2",), {"1.2": ("French", "German")})
    held = HeldLearner(family_name="Van Dijk", version="1.2", course_option="French")
    problem = _one(replace(GOOD, standard=options, held=held, course_option="German"))
    assert problem == (
        'Incorrect course option for learner. The service holds the course option "French" '
        'for this apprentice and the claim has "German": choose the one that is right'
    )


def test_a_claim_without_a_grade_is_refused() -> None:
    problem = _one(replace(GOOD, overall_grade=""))
    assert problem == (
        "Select the grade achieved. Select the grade the apprentice achieved on the claim"
    )
