"""Checks of the identifiers and numbers people type: the ULN, the UKPRN and numeric ids.

Only the ASCII digits 0 to 9 count as digits here. Python's ``str.isdigit()`` is also true of
"²", of fullwidth "１" and of Arabic-Indic "٣", and ``int()`` reads some of them: a ULN typed
in fullwidth digits would otherwise be held as a second apprentice with the same number.
"""

from __future__ import annotations

ASCII_DIGITS = frozenset("0123456789")
#: The largest id a record can have (a 64-bit signed integer, Django's BigAutoField).
LARGEST_ID = 2**63 - 1


def ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more of the digits 0 to 9 and nothing else."""
    return bool(text) and all(character in ASCII_DIGITS for character in text)


def whole_number(text: str, *, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """The whole number ``text`` writes in the digits 0 to 9, if between ``low`` and ``high``.

    Spaces around it are ignored; anything else (a sign, a decimal point, other digits, a
    number out of bounds) gives None.
    """
    text = text.strip()
    if not ascii_digits(text) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def uln_problem(value: str) -> str | None:
    """What is wrong with a ULN, or None if it is valid.

    A ULN is 10 digits and does not start with 0 (the official rule, das-shared-packages
    ``SFA.DAS.Learners/SFA.DAS.Learners/Validators/UlnValidator.cs``: ``^[1-9]{1}[0-9]{9}$``).
    Multiply the first nine by 10, 9, 8 ... 2 and add them up; the remainder of the total
    divided by 11 must not be 0, and 10 minus it must equal the tenth digit (the same as that
    file's ``IsValidCheckSum``: all ten times 10 ... 1 leave 10 when divided by 11).
    """
    text = value.strip()
    if not (len(text) == 10 and ascii_digits(text)):
        return "Enter a ULN of 10 digits, like 1234567890"
    if text[0] == "0":
        return (
            "Enter a valid ULN: a ULN never starts with 0 (the apprenticeship assessment "
            "service refuses it). Check the number on the apprentice's learner record"
        )
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
    if not (len(text) == 8 and ascii_digits(text) and text[0] != "0"):
        return "Enter a UKPRN of 8 digits between 10000000 and 99999999, like 10012345"
    return None
