"""Checks of the identifiers people type: the unique learner number (ULN) and the UKPRN."""

from __future__ import annotations


def uln_problem(value: str) -> str | None:
    """What is wrong with a ULN, or None if it is valid.

    A ULN is 10 digits. Multiply the first nine by 10, 9, 8 ... 2 and add them up; the
    remainder of the total divided by 11 must not be 0, and 10 minus it must equal the tenth
    digit.
    """
    text = value.strip()
    if not (len(text) == 10 and text.isdigit()):
        return "Enter a ULN of 10 digits, like 1234567890"
    total = sum(
        int(digit) * weight for digit, weight in zip(text[:9], range(10, 1, -1), strict=True)
    )
    remainder = total % 11
    if remainder == 0 or 10 - remainder != int(text[9]):
        return "Enter a valid ULN: the check digit (the last digit) does not match the others"
    return None


def ukprn_problem(value: str) -> str | None:
    """What is wrong with a UKPRN (8 digits, 10000000 to 99999999), or None if it is valid."""
    text = value.strip()
    if not (len(text) == 8 and text.isdigit() and text[0] != "0"):
        return "Enter a UKPRN of 8 digits between 10000000 and 99999999, like 10012345"
    return None
