"""The assessment service's own rules (openepa.rules.service): one test per function."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from openepa.rules import service
from openepa.rules.service import (
    CertificateFields,
    EpaAttempt,
    EpaFields,
    HeldLearner,
    StandardFacts,
)

TODAY = date(2026, 12, 24)
VALID_ULN = "1234567880"  # 10*1 + 9*2 + ... + 2*8 + 1*0 = 208 = 11 * 18 + 10
FACTS = StandardFacts("ST0071", 123, ("1.2",))
WITH_OPTIONS = StandardFacts("ST0099", 999, ("1.0",), {"1.0": ("French", "German")})
FIELDS = CertificateFields(
    uln=VALID_ULN,
    family_name="Van Dijk",
    standard_code=123,
    standard_reference="ST0071",
    version="1.2",
    course_option="",
    overall_grade="Pass",
    achievement_date=date(2026, 11, 20),
    contact_name="Pat Van Dijk",
    department="",
    organisation="Bright Retail",
    address_line_1="1 High Street",
    address_line_2="",
    address_line_3="",
    city="Leeds",
    postcode="LS1 1AA",
)
HELD = HeldLearner(family_name="Van Dijk", completion_status=2, version="1.2")


def official_uln_rule(uln: str) -> bool:
    """das-shared-packages SFA.DAS.Learners/SFA.DAS.Learners/Validators/UlnValidator.cs.

    Written out here apart from OpenEPA's code: ``^[1-9]{1}[0-9]{9}$`` (the ASCII digits),
    then each digit times 10, 9, ..., 1 summed, and the sum modulo 11 must be 10.
    """
    if re.fullmatch("[123456789][0123456789]{9}", uln) is None:
        return False
    multiplier, checksum = 10, 0
    for character in uln:
        checksum += "0123456789".index(character) * multiplier
        multiplier -= 1
    return checksum % 11 == 10


def test_uln_valid() -> None:
    assert service.uln_valid(VALID_ULN)
    assert not service.uln_valid("0123456789")  # starts with 0
    assert not service.uln_valid("1234567881")  # wrong check digit
    assert not service.uln_valid("１２３４５６７８８０")  # fullwidth digits
    assert not service.uln_valid("123456788")


ULN_CHARACTERS = st.sampled_from([*"0123456789", "１", "٣", "²", "a", "-"])


@given(
    st.one_of(
        st.text(ULN_CHARACTERS, min_size=0, max_size=12),
        st.integers(min_value=0, max_value=10**10 - 1).map(lambda n: f"{n:010d}"),
    )
)
@example("0123456789")
@example("0000000000")
@example(VALID_ULN)
def test_uln_valid_is_the_official_rule(uln: str) -> None:
    assert service.uln_valid(uln) == official_uln_rule(uln)


def test_uln_messages() -> None:
    assert service.uln_messages(VALID_ULN) == []
    assert service.uln_messages("0123456789") == ["ULN should contain exactly 10 numbers"]
    assert service.uln_messages("123") == ["ULN should contain exactly 10 numbers"]
    assert service.uln_messages("1234567881") == [
        "ULN is not valid: its check digit (the last digit) does not match the others"
    ]


def test_same_family_name() -> None:
    assert service.same_family_name("Van Dijk", "van dijk")
    assert service.same_family_name("VAN DIJK", "Van Dijk")
    assert not service.same_family_name("VanDijk", "Van Dijk")
    assert not service.same_family_name("Van  Dijk", "Van Dijk")


@pytest.mark.parametrize(
    "postcode", ["W1A 1AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "GIR 0AA"]
)
def test_postcode_valid(postcode: str) -> None:
    assert service.postcode_valid(postcode)
    assert service.postcode_valid(postcode.lower())
    assert service.postcode_valid(postcode.replace(" ", ""))


@pytest.mark.parametrize("postcode", ["W1P 1AA", "QS1 1AA", "LS1 1CA", "90210", "", "LS1"])
def test_postcode_valid_refuses_what_the_service_refuses(postcode: str) -> None:
    assert not service.postcode_valid(postcode)


def test_normalise_postcode() -> None:
    assert service.normalise_postcode(" ls11aa ") == "LS1 1AA"
    assert service.normalise_postcode("dn55   1pt") == "DN55 1PT"
    assert service.normalise_postcode("W1P 1AA") is None


def test_options_of() -> None:
    assert WITH_OPTIONS.options_of("1.0") == ("French", "German")
    assert WITH_OPTIONS.options_of("2.0") == ()
    assert FACTS.options_of("1.2") == ()


def test_standard_messages() -> None:
    assert service.standard_messages(123, "ST0071", "1.2", FACTS) == []
    # The reference alone names the standard (the service fills in the code from it).
    assert service.standard_messages(None, "ST0071", "1.2", FACTS) == []
    assert service.standard_messages(0, "ST0071", "1.3", FACTS) == ["Invalid version for Standard"]
    assert service.standard_messages(None, "", "1.2", FACTS) == ["Provide a valid Standard"]
    assert service.standard_messages(None, "ST0099", "1.2", FACTS) == ["Provide a valid Standard"]
    same = ["StandardReference and StandardCode must be for the same Standard"]
    assert service.standard_messages(124, "ST0071", "1.2", FACTS) == same
    assert service.standard_messages(123, "ST0072", "1.2", FACTS) == same
    # The service compares the reference only when one is sent.
    assert service.standard_messages(123, "", "1.2", FACTS) == []
    assert service.standard_messages(123, "ST0071", "1.3", FACTS) == [
        "Invalid version for Standard"
    ]
    assert service.standard_messages(123, "ST0071", "", FACTS) == []


def test_names_the_standard() -> None:
    assert service.names_the_standard(FIELDS, FACTS)
    assert service.names_the_standard(replace(FIELDS, standard_code=None), FACTS)
    assert not service.names_the_standard(
        replace(FIELDS, standard_code=None, standard_reference=""), FACTS
    )
    assert not service.names_the_standard(
        replace(FIELDS, standard_code=None, standard_reference="ST0099"), FACTS
    )


def test_course_option_messages() -> None:
    assert service.course_option_messages("", "1.2", FACTS) == []
    assert service.course_option_messages("French", "1.2", FACTS) == [
        "No course option available for this Standard and version. Must be empty"
    ]
    assert service.course_option_messages("french", "1.0", WITH_OPTIONS) == []
    assert service.course_option_messages("Spanish", "1.0", WITH_OPTIONS) == [
        "Invalid course option for this Standard and version. Must be one of the following: "
        "French, German where French, German depends on the standard code, and can be "
        "obtained with GET /api/v1/standard/options/999/1.0"
    ]


def test_learner_messages() -> None:
    not_found = ["ULN, FamilyName and Standard not found."]
    assert service.learner_messages("van dijk", "1.2", "", HELD, creating=True) == []
    assert service.learner_messages("VanDijk", "1.2", "", HELD, creating=True) == not_found
    assert service.learner_messages("Van Dijk", "1.2", "", None, creating=True) == not_found
    withdrawn = replace(HELD, completion_status=3)
    assert service.learner_messages("Van Dijk", "1.2", "", withdrawn, creating=True) == [
        "Cannot find the apprentice details"
    ]
    paused = replace(HELD, completion_status=6)
    assert service.learner_messages("Van Dijk", "1.2", "", paused, creating=False) == [
        "Cannot find the apprentice details"
    ]
    other = replace(HELD, version="1.1", course_option="French")
    assert service.learner_messages("Van Dijk", " 1.2", "German", other, creating=True) == [
        "Incorrect version for learner",
        "Incorrect course option for learner",
    ]
    assert service.learner_messages("Van Dijk", "1.2", "German", other, creating=False) == []
    assert service.learner_messages("Van Dijk", "", "", other, creating=True) == []


@pytest.mark.parametrize("grade", [*service.GRADES, "pass", "NO GRADE AWARDED"])
def test_grade_messages(grade: str) -> None:
    assert service.grade_messages(grade) == []


def test_grade_messages_refuse_a_fail_and_unknown_grades() -> None:
    assert "Outstanding" in service.GRADES
    assert "No grade awarded" in service.GRADES
    assert service.grade_messages("Fail") == ["Cannot record a Fail grade via API"]
    assert service.grade_messages("fail") == ["Cannot record a Fail grade via API"]
    assert service.grade_messages(" ") == ["Select the grade achieved"]
    [message] = service.grade_messages("Excellent")
    assert message.startswith(
        "You must enter a valid grade. Must be one of the following: Pass, Credit, Merit, "
        "Distinction, Pass with excellence, Outstanding, No grade awarded, where"
    )


def test_achievement_date_messages() -> None:
    assert service.achievement_date_messages(date(2017, 1, 1), TODAY) == []
    assert service.achievement_date_messages(TODAY, TODAY) == []
    assert service.achievement_date_messages(date(2016, 12, 31), TODAY) == [
        "Achievement date cannot be before 01 01 2017"
    ]
    assert service.achievement_date_messages(TODAY + timedelta(days=1), TODAY) == [
        "Achievement date cannot be in the future"
    ]
    assert service.achievement_date_messages(None, TODAY) == ["Provide the achievement date"]


def test_postal_contact_messages() -> None:
    assert service.postal_contact_messages(FIELDS) == []
    empty = replace(
        FIELDS, contact_name="", organisation=" ", address_line_1="", city="", postcode=""
    )
    assert service.postal_contact_messages(empty) == [
        "Provide a contact name",
        "Provide an organisation",
        "Provide an address",
        "Provide a city or town",
        "Provide a postcode",
    ]
    assert service.postal_contact_messages(replace(FIELDS, postcode="W1P 1AA")) == [
        "Provide a valid UK postcode"
    ]


def test_certificate_messages() -> None:
    assert service.certificate_messages(FIELDS, FACTS, HELD, TODAY) == []
    bad = replace(
        FIELDS,
        uln="0123456789",
        postcode="W1P 1AA",
        overall_grade="Fail",
        achievement_date=date(2016, 12, 31),
    )
    assert service.certificate_messages(bad, FACTS, HELD, TODAY) == [
        "ULN should contain exactly 10 numbers",
        "Provide a valid UK postcode",
        "Cannot record a Fail grade via API",
        "Achievement date cannot be before 01 01 2017",
    ]
    assert service.certificate_messages(
        replace(FIELDS, family_name="VanDijk"), FACTS, HELD, TODAY
    ) == ["ULN, FamilyName and Standard not found."]
    # Named by its reference alone, the standard is known and the learner is looked up.
    assert service.certificate_messages(
        replace(FIELDS, standard_code=None, family_name="VanDijk"),
        replace(FACTS, lars_code=None),
        HELD,
        TODAY,
    ) == ["ULN, FamilyName and Standard not found."]
    # Without any standard the service does not look the learner up.
    assert service.certificate_messages(
        replace(FIELDS, standard_code=None, standard_reference="", family_name="VanDijk"),
        replace(FACTS, lars_code=None),
        HELD,
        TODAY,
    ) == ["Provide a valid Standard"]
    assert service.certificate_messages(replace(FIELDS, family_name=""), FACTS, HELD, TODAY) == [
        "Provide apprentice family name"
    ]


def test_epa_messages() -> None:
    fields = EpaFields(
        uln=VALID_ULN,
        family_name="Van Dijk",
        standard_code=123,
        standard_reference="ST0071",
        version="1.2",
        course_option="",
        epas=(EpaAttempt(date(2026, 11, 20), "Fail"), EpaAttempt(TODAY, "Pass", resit=True)),
    )
    assert service.epa_messages(fields, FACTS, HELD, TODAY) == []
    late = replace(fields, epas=(EpaAttempt(TODAY + timedelta(days=1), "Merit"),))
    assert service.epa_messages(late, FACTS, HELD, TODAY) == [
        "EPA Date cannot be in the future",
        "Invalid outcome: must be Pass, Fail or Withdrawn",
    ]
    assert service.epa_messages(replace(fields, epas=()), FACTS, HELD, TODAY) == [
        "Provide EPA Details"
    ]
    withdrawn = replace(HELD, completion_status=3)
    assert service.epa_messages(fields, FACTS, withdrawn, TODAY) == [
        "Cannot find the apprentice details"
    ]


def test_batches() -> None:
    assert [len(batch) for batch in service.batches(range(26))] == [25, 1]
    assert [len(batch) for batch in service.batches(range(50))] == [25, 25]
    assert list(service.batches([])) == []
    assert [len(batch) for batch in service.batches(range(5), size=2)] == [2, 2, 1]
    with pytest.raises(ValueError, match="a batch holds 1 to 25 items, not 26"):
        list(service.batches(range(3), size=26))


def test_existing_certificate_reference() -> None:
    assert service.existing_certificate_reference(["Certificate already exists: 00012345"]) == (
        "00012345"
    )
    assert service.existing_certificate_reference(["Provide a contact name"]) is None
