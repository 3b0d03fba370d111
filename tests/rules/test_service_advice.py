"""What an EPAO admin does about each message of the assessment service, and where."""

from __future__ import annotations

import pytest

from openepa.rules.service_advice import (
    CERTIFICATE,
    CLAIM,
    EPA,
    NOTHING,
    REGISTRATION,
    STANDARD,
    advice_for,
)


@pytest.mark.parametrize(
    ("message", "kind", "fix"),
    [
        ("ULN should contain exactly 10 numbers", EPA, REGISTRATION),
        ("ULN should contain exactly 10 numbers", CERTIFICATE, CLAIM),
        ("ULN, FamilyName and Standard not found.", EPA, REGISTRATION),
        ("ULN, FamilyName and Standard not found", CERTIFICATE, CLAIM),
        ("Provide a valid Standard", CERTIFICATE, STANDARD),
        ("StandardReference and StandardCode must be for the same Standard", EPA, STANDARD),
        ("Invalid version for Standard", EPA, NOTHING),
        ("Incorrect version for learner", CERTIFICATE, NOTHING),
        ("Provide a valid UK postcode", CERTIFICATE, CLAIM),
        ("Provide an organisation", CERTIFICATE, CLAIM),
        ("Achievement date cannot be in the future", CERTIFICATE, CLAIM),
        ("Cannot record a Fail grade via API", CERTIFICATE, CLAIM),
        (
            "Invalid course option for this Standard and version. Must be one of: A",
            CERTIFICATE,
            CLAIM,
        ),
        ("Certificate already exists, cannot update EPA record", EPA, CLAIM),
        ("Certificate already exists, cannot create EPA record", EPA, NOTHING),
        ("Cannot find the apprentice details", CERTIFICATE, NOTHING),
        ("Your organisation is not approved to assess this Standard version", EPA, NOTHING),
        ("Certificate is missing mandatory data", CERTIFICATE, CLAIM),
        ("EPA Date cannot be in the future", EPA, REGISTRATION),
    ],
)
def test_advice_for(message: str, kind: str, fix: str) -> None:
    advice = advice_for(message, kind)
    assert advice.fix == fix
    assert advice.message == message
    assert advice.what_to_do.endswith(".")


def test_advice_for_a_message_openepa_does_not_know_says_to_read_it() -> None:
    advice = advice_for("  Something new  ", CERTIFICATE)
    assert (advice.message, advice.fix) == ("Something new", NOTHING)
    assert "Read the service's message" in advice.what_to_do
