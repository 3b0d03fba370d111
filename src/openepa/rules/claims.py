"""Rules of certificate claims to the apprenticeship assessment service (pure Python).

An EPAO claims a certificate for each apprentice who achieved the EPA by sending the
government's apprenticeship assessment service a certificate request. A claim is "ready" in
OpenEPA only when the service would take it: every check of :mod:`openepa.rules.service` is
made here, and each problem reads the service's own words (as that module returns them)
followed by what to do in OpenEPA. OpenEPA adds its own rules: only the grades the
specification awards and the grade released, the apprentice's written permission to apply for
their certificate, the appeal period, no open appeal, and one LARS code for the standard.

The LARS code, versions and course options of a standard live with the standard (its files,
or the code an EPAO admin set once), never typed per claim: they reach these rules as a
:class:`~openepa.rules.service.StandardFacts`. The LARS code is optional: without it the
request names the standard by its reference alone, which the service accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from openepa.rules import service
from openepa.rules.dates import long_date
from openepa.rules.model import Specification
from openepa.rules.reassessment import appeal_period_ends
from openepa.rules.service import CertificateFields, HeldLearner, StandardFacts

SERVICE = service.SERVICE
STANDARDS_PAGE = "Standards at the assessment service"

# OpenEPA's achieved grades in the service's words (das-assessor-service
# src/SFA.DAS.AssessorService.Domain/Consts/CertificateGrade.cs: "Pass", "Merit", "Distinction").
GRADE_WORDS = {"pass": "Pass", "merit": "Merit", "distinction": "Distinction"}
TOP_GRADE = "Distinction"

# The claim's statuses, named as the service names a certificate's (das-assessor-service
# src/SFA.DAS.AssessorService.Domain/Consts/CertificateStatus.cs, its GetDisplayName words):
# the service's NotDelivered reads "Delivery attempted".
STATUS_LABELS = {
    "draft": "Draft",
    "ready": "Ready",
    "submitted": "Submitted",
    "sent_to_printer": service.CERTIFICATE_STATUS_WORDS["SentToPrinter"],
    "printed": "Printed",
    "delivered": "Delivered",
    "not_delivered": service.CERTIFICATE_STATUS_WORDS["NotDelivered"],
}
#: Words of statuses a claim no longer takes, for the history recorded before they changed.
FORMER_STATUS_LABELS = {"returned": "Returned"}

# Every status move a person may make by hand, from each status. A move to "ready" re-checks
# every rule below (claim_problems); the others record what happened at the service.
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    "draft": ("ready",),
    "ready": ("submitted", "draft"),
    "submitted": ("sent_to_printer", "printed"),
    "sent_to_printer": ("printed",),
    "printed": ("delivered", "not_delivered"),
    "delivered": ("not_delivered",),
    "not_delivered": ("ready",),
}

#: The statuses only the service sets once OpenEPA is configured to send to it.
SET_BY_SERVICE = ("submitted", "sent_to_printer", "printed", "delivered", "not_delivered")

# The statuses in which the claim's details may still be changed: before it is sent, and when
# the certificate could not be delivered and the address must be corrected.
EDITABLE = ("draft", "ready", "not_delivered")

#: A claim in these statuses is known to the service (or about to be): a change is told to it.
AT_SERVICE = ("ready", *SET_BY_SERVICE)


class Problem(str):
    """What stops a claim being ready, in words, and where in OpenEPA it is put right.

    ``fix`` is one of ``claim`` (change the claim), ``standards`` (the Standards at the
    assessment service page), ``consent`` or ``learner`` (the apprentice's page), ``result``
    or "" (nothing to change: wait).
    """

    fix: str

    def __new__(cls, text: str, fix: str = "") -> Problem:
        problem = super().__new__(cls, text)
        problem.fix = fix
        return problem


@dataclass(frozen=True)
class ClaimData:
    """What the rules need of a claim.

    ``standard`` holds the standard's LARS code (the one sent), its loaded versions and course
    options; ``lars_code_conflict`` the code of the standard files and the EPAO's when they
    differ. ``held`` is the learner the claim is compared with: what the service's latest
    look-up holds when ``held_by_service``, else the EPAO's apprentice with the claim's ULN
    (None when the service found none, or no apprentice has the ULN). ``lookup`` is the
    outcome of the apprentice's current look-up at the service when it is configured ("none"
    when there is no look-up), "" when it is not. ``result_grade`` is the
    released result's grade in the service's words, None once it is no longer achieved;
    ``awarded_grades`` the grades the specification awards.
    """

    uln: str
    family_name: str
    given_names: str
    standard_reference: str
    version: str
    course_option: str
    overall_grade: str
    achievement_date: date | None
    recipient: str
    contact_name: str
    department: str
    organisation: str
    address_line_1: str
    address_line_2: str
    address_line_3: str
    city: str
    postcode: str
    standard: StandardFacts
    held: HeldLearner | None
    held_by_service: bool
    result_grade: str | None
    awarded_grades: tuple[str, ...]
    consent_in_force: bool
    lars_code_conflict: tuple[int, int] | None = None
    lookup: str = ""


def certificate_fields(claim: ClaimData) -> CertificateFields:
    """The claim as the fields of the service's certificate request (the standard's LARS code)."""
    return CertificateFields(
        uln=claim.uln.strip(),
        family_name=claim.family_name,
        standard_code=claim.standard.lars_code,
        standard_reference=claim.standard_reference,
        version=claim.version,
        course_option=claim.course_option,
        overall_grade=claim.overall_grade,
        achievement_date=claim.achievement_date,
        contact_name=claim.contact_name,
        department=claim.department,
        organisation=claim.organisation,
        address_line_1=claim.address_line_1,
        address_line_2=claim.address_line_2,
        address_line_3=claim.address_line_3,
        city=claim.city,
        postcode=claim.postcode,
    )


def lars_code_of(file_code: int | None, epao_code: int | None) -> int | None:
    """The standard's LARS code: the one an EPAO admin set, else the standard file's."""
    return epao_code if epao_code is not None else file_code


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


# --- OpenEPA's own rules -------------------------------------------------------------------


def appeal_period_problem(
    grade: str,
    today: date,
    released_on: date,
    appeal_period_days: int,
    top_grade_immediately: bool,
) -> Problem | None:
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
    return Problem(message)


def open_appeal_problem(open_appeal: bool) -> Problem | None:
    """No claim is made while an appeal against the result is open."""
    if open_appeal:
        return Problem(
            "An appeal against this result is open; the claim can be marked ready once the "
            "appeal is decided (the grade may change)"
        )
    return None


def consent_problem(claim: ClaimData) -> Problem | None:
    """The apprentice's written permission to apply for their certificate is recorded.

    The GOV.UK guidance for EPAOs asks the EPAO to hold the apprentice's permission before
    it applies for their certificate; without it no claim is ready.
    """
    if claim.consent_in_force:
        return None
    return Problem(
        "The apprentice's written permission to apply for their certificate is not recorded. "
        "Record it on the apprentice's page: the apprentice gives it in OpenEPA, or an EPAO "
        "admin records it with the evidence held (a signed form, an email)",
        "consent",
    )


#: Outcomes of a look-up that give no answer to compare the claim with, and what they mean.
LOOKUP_WAITING_WORDS = {
    "none": "has not been looked up at the assessment service yet",
    "waiting": "is still waiting for the assessment service to answer a look-up",
    "unavailable": "could not be checked at the assessment service (it did not answer)",
}


def learner_lookup_problem(claim: ClaimData) -> Problem | None:
    """With the service configured, a claim is ready only after a look-up that answered.

    The service compares the family name with the learner it holds (das-assessor-service
    ``Validators/ExternalApi/Certificates/BatchCertificateRequestValidator.cs``: "ULN,
    FamilyName and Standard not found."); OpenEPA's own record is no stand-in for that
    comparison once the service can be asked. An answer that flags the learner (not found,
    withdrawn, another family name) is a problem of its own, from the service's checks.
    """
    words = LOOKUP_WAITING_WORDS.get(claim.lookup)
    if words is None:
        return None
    return Problem(
        f"The apprentice {words}, so the family name cannot be compared with the learner the "
        "service holds: look the apprentice up now, and mark the claim ready once the service "
        "has found them",
        "lookup",
    )


def lars_code_problem(claim: ClaimData) -> Problem | None:
    """The standard files and the EPAO give the standard one LARS code, not two."""
    if claim.lars_code_conflict is None:
        return None
    file_code, epao_code = claim.lars_code_conflict
    return Problem(
        "StandardReference and StandardCode must be for the same Standard. The standard file "
        f"of {claim.standard_reference} gives the LARS code {file_code} but the LARS code set "
        f"on the {STANDARDS_PAGE} page is {epao_code}: correct the one that is wrong",
        "standards",
    )


def awarded_grade_problem(claim: ClaimData) -> Problem | None:
    """The grade is one the specification awards and the one released."""
    if claim.result_grade is None:
        return Problem(
            "The result is no longer an achievement (an appeal changed it), so no certificate "
            "can be claimed; leave the claim in draft",
            "result",
        )
    grade = claim.overall_grade
    if not grade.strip() or service.grade_messages(grade):
        return None  # the service's own message says what is wrong
    if grade not in claim.awarded_grades:
        return Problem(
            f'The grade "{grade}" is not one the specification awards; choose '
            f"{' or '.join(claim.awarded_grades)}",
            "claim",
        )
    if grade != claim.result_grade:
        return Problem(
            f"The claim's grade ({grade}) differs from the released result "
            f"({claim.result_grade}); change the claim's grade to {claim.result_grade}",
            "claim",
        )
    return None


# --- the service's rules, with what to do in OpenEPA ------------------------------------------


def _learner_not_found(claim: ClaimData) -> str:
    held = claim.held
    if claim.held_by_service:
        if held is None:
            return (
                f"The service's latest look-up found no learner with ULN {claim.uln} and family "
                f'name "{claim.family_name}" for {claim.standard_reference}: check both against '
                "the apprentice's learner record, correct them, and look the apprentice up "
                "again from their page"
            )
        return (
            f'The family name on the claim ("{claim.family_name}") is not the one the service '
            f'matched for ULN {claim.uln} ("{held.family_name}"), letter for letter in any '
            "case: correct the claim's family name"
        )
    if held is None:
        return (
            f"No apprentice of this EPAO has the ULN {claim.uln}; check the ULN against the "
            "apprentice's record"
        )
    return (
        f'The family name on the claim ("{claim.family_name}") does not match the family name '
        f'held for ULN {claim.uln} ("{held.family_name}"), letter for letter in any case. '
        "Correct the claim's family name, or the apprentice's record if that is the one that "
        "is wrong"
    )


def _held(claim: ClaimData, attribute: str) -> str:
    return str(getattr(claim.held, attribute, "") or "")


_ADVICE: dict[str, tuple[Callable[[ClaimData], str], str]] = {
    "Provide apprentice family name": (
        lambda c: "Enter the apprentice's family name on the claim",
        "claim",
    ),
    "Provide a valid Standard": (
        lambda c: (
            f'The claim names the standard "{c.standard_reference}", which is not one of the '
            f"standards loaded in OpenEPA: check the standard on the {STANDARDS_PAGE} page "
            "and the registration's standard"
        ),
        "standards",
    ),
    "StandardReference and StandardCode must be for the same Standard": (
        lambda c: f"Check the LARS code of {c.standard_reference} on the {STANDARDS_PAGE} page",
        "standards",
    ),
    "Invalid version for Standard": (
        lambda c: (
            f"Version {c.version} of {c.standard_reference} is not one of the versions "
            f"loaded from the standard files ({', '.join(c.standard.versions) or 'none'}): "
            "an EPAO admin loads the standard file of that version (the README's \"Adding an "
            'EPAO specification"), then the claim is checked again'
        ),
        "standards",
    ),
    "No course option available for this Standard and version. Must be empty": (
        lambda c: (
            f"{c.standard_reference} version {c.version} has no course options: clear "
            "the course option by changing the claim"
        ),
        "claim",
    ),
    "Invalid course option": (
        lambda c: "Choose one of the standard's course options on the claim",
        "claim",
    ),
    "ULN should contain exactly 10 numbers": (
        lambda c: (
            f'The ULN "{c.uln}" must be 10 digits and never starts with 0: correct it '
            "from the apprentice's learner record"
        ),
        "claim",
    ),
    "ULN is not valid": (
        lambda c: f"Correct the ULN ({c.uln}) from the apprentice's learner record",
        "claim",
    ),
    "ULN, FamilyName and Standard not found.": (_learner_not_found, "claim"),
    "Cannot find the apprentice details": (
        lambda c: (
            "The service holds the apprentice as withdrawn from the standard: ask the "
            "training provider to correct the apprentice's learner record (the ILR), then look the "
            "apprentice up again from their page"
        ),
        "learner",
    ),
    "Incorrect version for learner": (
        lambda c: (
            f"The service holds version {_held(c, 'version')} for this apprentice and "
            f"the registration has {c.version}: if {c.version} is right, ask the training "
            "provider to correct the learner record (the ILR) and look the apprentice up "
            "again; if not, the apprentice was registered on the wrong version of the standard"
        ),
        "learner",
    ),
    "Incorrect course option for learner": (
        lambda c: (
            f'The service holds the course option "{_held(c, "course_option")}" for '
            f'this apprentice and the claim has "{c.course_option}": choose the one that is right'
        ),
        "claim",
    ),
    "Provide a contact name": (
        lambda c: "Enter the name of the person the certificate is posted to",
        "claim",
    ),
    "Provide an organisation": (
        lambda c: (
            "Enter the organisation on the claim (the employer's name, whoever the "
            "certificate is sent to): the service will not submit a certificate without one"
        ),
        "claim",
    ),
    "Provide an address": (lambda c: "Enter the first line of the postal address", "claim"),
    "Provide a city or town": (
        lambda c: "Enter the town or city of the postal address",
        "claim",
    ),
    "Provide a postcode": (lambda c: "Enter the postcode of the postal address", "claim"),
    "Provide a valid UK postcode": (
        lambda c: (
            f'"{c.postcode}" is not a postcode the service takes: enter the UK postcode '
            "the certificate is posted to, like LS1 1AA"
        ),
        "claim",
    ),
    "Select the grade achieved": (
        lambda c: "Select the grade the apprentice achieved on the claim",
        "claim",
    ),
    "Cannot record a Fail grade via API": (
        lambda c: "A certificate is claimed only for an achievement: leave the claim in draft",
        "result",
    ),
    "You must enter a valid grade": (
        lambda c: f"Choose {' or '.join(c.awarded_grades)} on the claim",
        "claim",
    ),
    "Provide the achievement date": (
        lambda c: "Enter the achievement date on the claim",
        "claim",
    ),
    "Achievement date cannot be before 01 01 2017": (
        lambda c: f"Enter the date the result was achieved: {_date(c)} is before 1 January 2017",
        "claim",
    ),
    "Achievement date cannot be in the future": (
        lambda c: f"Enter the date the result was achieved: {_date(c)} is after today",
        "claim",
    ),
}


def _date(claim: ClaimData) -> str:
    return long_date(claim.achievement_date) if claim.achievement_date else "the date"


def service_problem(message: str, claim: ClaimData) -> Problem:
    """The service's ``message`` followed by what to do in OpenEPA about it."""
    advice, fix = next(
        (found for key, found in _ADVICE.items() if message.startswith(key)),
        (lambda c: "Correct the claim and check it again", "claim"),
    )
    if message == "ULN, FamilyName and Standard not found." and claim.held_by_service:
        fix = "claim" if claim.held else "learner"
    words = message if message.endswith(".") else f"{message}."
    return Problem(f"{words} {advice(claim)}", fix)


def service_problems(claim: ClaimData, today: date) -> list[Problem]:
    """Every message the service would answer the claim's certificate request with."""
    messages = service.certificate_messages(
        certificate_fields(claim), claim.standard, claim.held, today, creating=True
    )
    return [service_problem(message, claim) for message in messages]


def claim_problems(
    claim_data: ClaimData,
    today: date,
    released_on: date,
    appeal_period_days: int,
    top_grade_immediately: bool,
    open_appeal: bool,
) -> list[Problem]:
    """Everything that stops the claim being marked ready; empty when it may be."""
    first = [
        appeal_period_problem(
            claim_data.overall_grade,
            today,
            released_on,
            appeal_period_days,
            top_grade_immediately,
        ),
        open_appeal_problem(open_appeal),
        consent_problem(claim_data),
        learner_lookup_problem(claim_data),
        lars_code_problem(claim_data),
    ]
    problems = [problem for problem in first if problem]
    problems += service_problems(claim_data, today)
    grade = awarded_grade_problem(claim_data)
    return problems + ([grade] if grade else [])


# --- status moves ----------------------------------------------------------------------------


def allowed_moves(current: str, *, service_configured: bool) -> tuple[str, ...]:
    """The statuses a person may move a claim to by hand from ``current``.

    Once OpenEPA sends to the service, the statuses from Submitted on are the service's.
    """
    moves = ALLOWED_MOVES.get(current, ())
    if service_configured:
        return tuple(status for status in moves if status not in SET_BY_SERVICE)
    return moves


def move_problem(current: str, target: str, *, service_configured: bool = False) -> str | None:
    """Whether a person may move a claim from ``current`` to ``target`` (see ALLOWED_MOVES)."""
    if target not in STATUS_LABELS:
        return f'"{target}" is not a status of a claim'
    label = STATUS_LABELS[target].lower()
    if service_configured and target in SET_BY_SERVICE:
        return (
            f"A claim is marked {label} only by {SERVICE}: OpenEPA submits the certificate and "
            'follows it at the service. Submit a ready claim with "Submit to the assessment '
            'service"'
        )
    if target in ALLOWED_MOVES.get(current, ()):
        return None
    allowed = allowed_moves(current, service_configured=service_configured)
    choices = " or ".join(STATUS_LABELS[status].lower() for status in allowed) or "nothing else"
    now = STATUS_LABELS.get(current, current).lower()
    return f"A {now} claim cannot be marked {label}; from {now} it can only be marked {choices}"
