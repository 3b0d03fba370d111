"""Identifiers people type: only the ASCII digits 0 to 9 count as digits.

``str.isdigit()`` is true of "²", "１" (fullwidth) and "٣" (Arabic-Indic); a ULN or UKPRN
written in them must be refused, not stored as a second identity of the same number.
"""

from __future__ import annotations

import pytest

from openepa.rules.identifiers import ascii_digits, ukprn_problem, uln_problem, whole_number
from tests.conftest import make_uln

LOOK_ALIKES = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0123456789", True),
        ("7", True),
        ("", False),
        ("１２３", False),
        ("²", False),
        ("٣", False),
        ("12 3", False),
        ("-1", False),
        ("+1", False),
        ("1.0", False),
    ],
)
def test_ascii_digits(text: str, expected: bool) -> None:
    assert ascii_digits(text) is expected


def test_uln_problem_refuses_a_valid_uln_written_in_other_digits() -> None:
    uln = make_uln(1)
    assert uln_problem(uln) is None
    assert uln_problem(uln.translate(LOOK_ALIKES)) == "Enter a ULN of 10 digits, like 1234567890"
    assert uln_problem(uln.translate(ARABIC_INDIC)) is not None
    assert uln_problem("²" * 10) is not None


def test_uln_problem_refuses_a_uln_starting_with_0() -> None:
    # 0123456788 has a valid check digit, yet the official rule (^[1-9][0-9]{9}$) refuses it.
    assert uln_problem("0123456788") is not None
    assert "never starts with 0" in (uln_problem("0123456788") or "")


def test_ukprn_problem_refuses_superscripts_and_fullwidth_digits() -> None:
    assert ukprn_problem("10012345") is None
    assert ukprn_problem("²²²²²²²²") is not None
    assert ukprn_problem("10012345".translate(LOOK_ALIKES)) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("0", 0),
        ("１２３", None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("", None),
        ("4.2", None),
        ("99999999999999999999", None),
        ("9" * 5000, None),
    ],
)
def test_whole_number(text: str, expected: int | None) -> None:
    assert whole_number(text) == expected


def test_whole_number_within_bounds() -> None:
    assert whole_number("5", low=1, high=5) == 5
    assert whole_number("6", low=1, high=5) is None
    assert whole_number("0", low=1, high=5) is None
