"""Rules of certificate claims to the apprenticeship assessment service (pure Python).

An EPAO claims a certificate for each apprentice who achieved the EPA by sending the
government's apprenticeship assessment service a certificate request: the learner's ULN and
names, the standard, the grade, the achievement date and where to post the certificate. The
service refuses a request whose ULN and family name do not match the learner it holds, whose
grade or postcode it does not know, or that lacks a required field, so OpenEPA checks the same
before a claim may be marked ready. A claim is also held back until the appeal period is over
(or, if the EPAO's policy says so, claimed at once for the top grade) and while an appeal is
open.

Each check is a small function returning the message the EPAO admin sees (what is wrong, why
and how to fix it), or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from openepa.rules.dates import long_date
from openepa.rules.identifiers import uln_problem
from openepa.rules.model import Specification
from openepa.rules.reassessment import appeal_period_ends

SERVICE = "the apprenticeship assessment service"

# The grades the service accepts, in its words (its certificate API: "Invalid grade. Must be
# one of the following: Pass, Credit, Merit, Distinction, Pass with excellence, No grade
# awarded"), and the words for OpenEPA's achieved grades.
SERVICE_GRADES = ("Pass", "Credit", "Merit", "Distinction", "Pass with excellence")
GRADE_WORDS = {"pass": "Pass", "merit": "Merit", "distinction": "Distinction"}
TOP_GRADE = "Distinction"

# The service's rule: "An achievement date cannot be before 01 01 2017".
EARLIEST_ACHIEVEMENT = date(2017, 1, 1)

STATUS_LABELS = {
    "draft": "Draft",
    "ready": "Ready",
    "submitted": "Submitted",
    "printed": "Printed",
    "delivered": "Delivered",
    "returned": "Returned",
}

# Every status move a person may make, from each status. A move to "ready" re-checks
# every rule below (claim_problems); the others are recorded as they happen at the service.
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    "draft": ("ready",),
    "ready": ("submitted", "draft"),
    "submitted": ("printed",),
    "printed": ("delivered", "returned"),
    "delivered": ("returned",),
    "returned": ("ready",),
}

# The statuses in which the claim's details may still be changed: before it is sent, and when
# the certificate came back and the address must be corrected.
EDITABLE = ("draft", "ready", "returned")


_POSTCODE = re.compile(
    r"^(GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


@dataclass(frozen=True)
class ClaimData:
    """What the rules need of a claim.

    ``held_family_name`` is the family name held for the claim's ULN (the EPAO's apprentice
    with that ULN), or None when no apprentice has that ULN. ``result_grade`` is the grade of
    the released result in the service's words, or None when it is no longer achieved.
    """

    uln: str
    family_name: str
    given_names: str
    standard_reference: str
    standard_code: int | None
    version: str
    option: str
    overall_grade: str
    achievement_date: date | None
    recipient: str
    contact_name: str
    organisation: str
    address_line_1: str
    city: str
    postcode: str
    held_family_name: str | None
    result_grade: str | None


def claim_grades(spec: Specification) -> tuple[str, ...]:
    """The grades a claim may carry: the achieved overall grades the specification awards.

    Read from its overall grading (every grade its table gives, or pass and distinction under
    "a distinction in every method"), in the service's words and in rank order: never a
    grade such as Merit that the specification cannot award.
    """
    if spec.overall.rule == "table":
        awarded = {row.get("grade") for row in spec.overall.table}
    else:
        awarded = {"pass", "distinction"}
    return tuple(words for grade, words in GRADE_WORDS.items() if grade in awarded)


def normalise_postcode(value: str) -> str | None:
    """A UK postcode in capitals with one space before the last three characters, or None.

    >>> normalise_postcode(" ls11aa ")
    'LS1 1AA'
    """
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def _compare_name(name: str) -> str:
    """A family name as compared with the one held: case and spaces ignored."""
    return re.sub(r"\s+", "", name or "").casefold()


def appeal_period_problem(
    grade: str,
    today: date,
    released_on: date,
    appeal_period_days: int,
    top_grade_immediately: bool,
) -> str | None:
    """The claim waits until the appeal period after the release is over.

    The period ends ``appeal_period_days`` after the day the result was released; the claim
    can be marked ready from the next day. If the EPAO's policy claims the top grade at once,
    a distinction need not wait (nobody appeals to lower their own grade).
    """
    if top_grade_immediately and grade == TOP_GRADE:
        return None
    ends_on = appeal_period_ends(released_on, appeal_period_days)
    if today > ends_on:
        return None
    message = (
        f"The appeal period of {appeal_period_days} days ends on {long_date(ends_on)}; the "
        f"claim can be marked ready from {long_date(ends_on + timedelta(days=1))}"
    )
    if grade == TOP_GRADE:
        message += (
            ". The EPAO's policy does not claim a distinction before the appeal period is "
            "over; an EPAO admin can change that in the EPAO's policy"
        )
    return message


def open_appeal_problem(open_appeal: bool) -> str | None:
    """No claim is made while an appeal against the result is open."""
    if open_appeal:
        return (
            "An appeal against this result is open; the claim can be marked ready once the "
            "appeal is decided (the grade may change)"
        )
    return None


_REQUIRED = (
    ("uln", "Enter the apprentice's ULN"),
    ("family_name", "Enter the apprentice's family name"),
    ("given_names", "Enter the apprentice's given names"),
    ("standard_reference", "Enter the standard reference, like ST0071"),
    ("version", "Enter the version of the standard, like 1.2"),
    ("overall_grade", "Select the grade the apprentice achieved"),
    ("contact_name", "Enter the name of the person the certificate is posted to"),
    ("address_line_1", "Enter the first line of the postal address"),
    ("city", "Enter the town or city of the postal address"),
    ("postcode", "Enter the postcode of the postal address"),
)


def missing_field_problems(claim: ClaimData) -> list[str]:
    """Every field the service requires must be filled in."""
    problems = [
        f"{message}: {SERVICE} requires it"
        for field, message in _REQUIRED
        if not str(getattr(claim, field) or "").strip()
    ]
    if claim.standard_code is None:
        problems.append(
            "Enter the standard's LARS code (a number from the Learning Aims Reference "
            f"Service): {SERVICE} identifies the standard by it. OpenEPA does not fill it in "
            "because it could not confirm the code"
        )
    if claim.achievement_date is None:
        problems.append(f"Enter the achievement date: {SERVICE} requires it")
    if claim.recipient == "employer" and not claim.organisation.strip():
        problems.append(
            "Enter the employer's name as the organisation, since the certificate is sent "
            "to the employer"
        )
    return problems


def grade_problem(claim: ClaimData) -> str | None:
    """The grade is one the service knows and the one released."""
    if claim.overall_grade and claim.overall_grade not in SERVICE_GRADES:
        return (
            f'The grade "{claim.overall_grade}" is not one {SERVICE} accepts; choose one of '
            f"{', '.join(SERVICE_GRADES)}"
        )
    if claim.result_grade is None:
        return (
            "The result is no longer an achievement (an appeal changed it), so no certificate "
            "can be claimed; leave the claim in draft"
        )
    if claim.overall_grade and claim.overall_grade != claim.result_grade:
        return (
            f"The claim's grade ({claim.overall_grade}) differs from the released result "
            f"({claim.result_grade}); change the claim's grade to {claim.result_grade}"
        )
    return None


def achievement_date_problem(claim: ClaimData, today: date) -> str | None:
    """The achievement date is not in the future nor before 1 January 2017."""
    if claim.achievement_date is None:
        return None
    if claim.achievement_date > today:
        return (
            f"The achievement date {long_date(claim.achievement_date)} is in the future; "
            f"{SERVICE} refuses it. Enter the date the result was achieved"
        )
    if claim.achievement_date < EARLIEST_ACHIEVEMENT:
        return (
            f"The achievement date {long_date(claim.achievement_date)} is before 1 January "
            f"2017, which {SERVICE} refuses; check the date"
        )
    return None


def uln_claim_problem(claim: ClaimData) -> str | None:
    """The ULN is 10 digits with a valid check digit."""
    if not claim.uln.strip():
        return None
    problem = uln_problem(claim.uln)
    return f"{problem} ({claim.uln})" if problem else None


def postcode_problem(claim: ClaimData) -> str | None:
    """The postcode is a real UK postcode pattern."""
    if not claim.postcode.strip():
        return None
    if normalise_postcode(claim.postcode) is None:
        return (
            f'"{claim.postcode}" is not a UK postcode; {SERVICE} posts certificates only to '
            "UK addresses. Enter a postcode like LS1 1AA"
        )
    return None


def name_mismatch_problem(claim: ClaimData) -> str | None:
    """The family name matches the one held for the ULN (case and spaces ignored).

    The service finds the learner by ULN and family name together and refuses the request
    ("Cannot find apprentice with the specified Uln, FamilyName & Standard") when they differ.
    """
    if not claim.uln.strip() or not claim.family_name.strip():
        return None
    if claim.held_family_name is None:
        return (
            f"No apprentice of this EPAO has the ULN {claim.uln}; check the ULN against the "
            "apprentice's record"
        )
    if _compare_name(claim.family_name) != _compare_name(claim.held_family_name):
        return (
            f'The family name on the claim ("{claim.family_name}") does not match the family '
            f'name held for ULN {claim.uln} ("{claim.held_family_name}"); {SERVICE} refuses a '
            "claim whose ULN and family name do not match. Correct the claim's family name, or "
            "the apprentice's record if that is the one that is wrong"
        )
    return None


def claim_problems(
    claim_data: ClaimData,
    today: date,
    released_on: date,
    appeal_period_days: int,
    top_grade_immediately: bool,
    open_appeal: bool,
) -> list[str]:
    """Everything that stops the claim being marked ready; empty when it may be."""
    checks: list[Callable[[], str | None]] = [
        lambda: appeal_period_problem(
            claim_data.overall_grade,
            today,
            released_on,
            appeal_period_days,
            top_grade_immediately,
        ),
        lambda: open_appeal_problem(open_appeal),
        lambda: grade_problem(claim_data),
        lambda: achievement_date_problem(claim_data, today),
        lambda: uln_claim_problem(claim_data),
        lambda: name_mismatch_problem(claim_data),
        lambda: postcode_problem(claim_data),
    ]
    problems = [message for check in checks if (message := check())]
    return missing_field_problems(claim_data) + problems


def move_problem(current: str, target: str) -> str | None:
    """Whether a claim may move from ``current`` to ``target`` (see ALLOWED_MOVES)."""
    if target not in STATUS_LABELS:
        return f'"{target}" is not a status of a claim'
    if target in ALLOWED_MOVES.get(current, ()):
        return None
    allowed = ALLOWED_MOVES.get(current, ())
    choices = (
        " or ".join(STATUS_LABELS[status].lower() for status in allowed)
        if allowed
        else "nothing else"
    )
    return (
        f"A {STATUS_LABELS.get(current, current).lower()} claim cannot be marked "
        f"{STATUS_LABELS[target].lower()}; from {STATUS_LABELS.get(current, current).lower()} "
        f"it can only be marked {choices}"
    )
