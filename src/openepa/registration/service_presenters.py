"""What the registration's pages show of the assessment service: the learner check, and consent.

The words of what to do about each outcome of a look-up live here, once: the card on the
apprentice's page and the list of learners to check both read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from openepa.accounts.models import User
from openepa.kernel.service_client import configured
from openepa.registration.consent import ConsentState, consent_state
from openepa.registration.learner_checks import REASON_WORDS
from openepa.registration.models import LearnerCheck, Registration
from openepa.rules.dates import long_date
from openepa.rules.service import CERTIFICATE_STATUS_WORDS, COMPLETION_STATUS_WORDS

Outcome = LearnerCheck.Outcome

#: The GOV.UK tag colour of each outcome.
OUTCOME_TAGS: dict[str, str] = {
    Outcome.WAITING: "govuk-tag--grey",
    Outcome.MATCHED: "govuk-tag--green",
    Outcome.NAME_DIFFERS: "govuk-tag--red",
    Outcome.WITHDRAWN: "govuk-tag--red",
    Outcome.NOT_FOUND: "govuk-tag--red",
    Outcome.UNAVAILABLE: "govuk-tag--yellow",
}

#: What to do, in a few words, for the list of learners to check.
SHORT_ADVICE: dict[str, str] = {
    Outcome.NOT_FOUND: (
        "Check the ULN and the family name letter for letter against the training provider's "
        "ILR record"
    ),
    Outcome.WITHDRAWN: "The provider's ILR shows the learner withdrawn: ask the provider",
    Outcome.NAME_DIFFERS: "Make the family name match the service's, letter for letter",
    Outcome.UNAVAILABLE: "Asked again by itself later; or open the apprentice and check again",
}


def completion_words(status: int | None) -> str:
    """The ILR's completion status in words (das-assessor-service Consts/CompletionStatus.cs)."""
    if status is None:
        return "Not given"
    return COMPLETION_STATUS_WORDS.get(status, f"Status {status}, unknown to OpenEPA")


def version_differs(check: LearnerCheck, registration: Registration) -> bool:
    """Whether the service holds another version of the standard than the registration's."""
    held, ours = check.held_version.strip(), registration.version.strip()
    return bool(held and ours) and held.upper() != ours.upper()


def notes(check: LearnerCheck) -> list[str]:
    """What a check not answered yet means, for the apprentice's page."""
    if check.outcome == Outcome.UNAVAILABLE:
        again = (
            f" OpenEPA asks again by itself after {moment_words(check)}."
            if check.next_attempt_at
            else ""
        )
        return [f"The service could not be asked.{again}"]
    if check.outcome == Outcome.WAITING:
        return ["OpenEPA is asking the service: reload the page in a moment."]
    return []


def advice(check: LearnerCheck, registration: Registration) -> list[str]:
    """What to put right after the check's answer, in full, for the apprentice's page."""
    provider = registration.provider.name
    name = registration.apprentice.full_name
    found: list[str] = []
    if check.outcome == Outcome.NOT_FOUND:
        found.append(
            f"The service found no apprentice with ULN {check.uln}, family name "
            f"“{check.family_name}” and standard {registration.standard}. Check the ULN and "
            "the family name letter for letter against the training provider's ILR record: "
            "the service compares the family name exactly, in any case, and spaces and "
            "hyphens count (“Van Dijk” is not “VanDijk”). Correct the details in OpenEPA if "
            f"they are wrong, or ask {provider} to correct the ILR; then check again."
        )
    elif check.outcome == Outcome.WITHDRAWN:
        found.append(
            "The training provider's ILR shows the apprentice as "
            f"{completion_words(check.completion_status).lower()}. Ask {provider} whether "
            f"{name} has left the apprenticeship or is on a break in learning, and to correct "
            "the ILR if not: the service refuses an EPA record or a certificate for a learner "
            "withdrawn there."
        )
    elif check.outcome == Outcome.NAME_DIFFERS:
        found.append(
            f"The service holds the family name “{check.held_family_name}” and OpenEPA "
            f"“{check.family_name}”: they must match letter for letter (in any case), spaces "
            f"and hyphens included. Correct the family name in OpenEPA, or ask {provider} to "
            "correct the ILR record."
        )
    if check.outcome in (Outcome.MATCHED, Outcome.WITHDRAWN) and version_differs(
        check, registration
    ):
        found.append(
            f"The service holds version {check.held_version} of {registration.standard}; this "
            f"registration is on version {registration.version}. Ask {provider} which version "
            f"{name} is on: a certificate must carry the version the service holds."
        )
    return found


def moment_words(check: LearnerCheck) -> str:
    """The next try of a check as people read it."""
    if check.next_attempt_at is None:
        return ""
    local = timezone.localtime(check.next_attempt_at)
    return f"{long_date(local.date())} at {local:%H:%M}"


@dataclass(frozen=True)
class CheckCard:
    """The card "At the apprenticeship assessment service" on the apprentice's page."""

    configured: bool
    check: LearnerCheck | None
    tag: str
    held: list[tuple[str, str]]
    advice: list[str]
    notes: list[str]
    may_check_again: bool
    reason: str


def held_rows(check: LearnerCheck) -> list[tuple[str, str]]:
    """What the service holds of the learner, as rows of a summary list."""
    if check.outcome not in (Outcome.MATCHED, Outcome.WITHDRAWN, Outcome.NAME_DIFFERS):
        return []
    rows = [
        ("Given names", check.held_given_names or "Not given"),
        ("Family name", check.held_family_name or check.family_name),
        ("Version", check.held_version or "Not held yet"),
        ("Course option", check.held_course_option or "None held"),
        ("Completion status", completion_words(check.completion_status)),
    ]
    if check.epa_reference:
        rows.append(("EPA record", f"Reference {check.epa_reference}"))
    if check.certificate_reference:
        status = CERTIFICATE_STATUS_WORDS.get(check.certificate_status, check.certificate_status)
        rows.append(("Certificate", f"Reference {check.certificate_reference}: {status}"))
    return rows


def check_card(user: User, registration: Registration) -> CheckCard | None:
    """The learner check card for ``user``, or None for a role that does not see it.

    Only the EPAO's admins see it: it holds the EPAO's configuration, the service's own words
    and advice addressed to the EPAO (about the training provider, for one).
    """
    if user.role != User.Role.EPAO_ADMIN:
        return None
    check = (
        LearnerCheck.objects.filter(registration=registration, current=True)
        .select_related("requested_by")
        .first()
    )
    return CheckCard(
        configured=configured(),
        check=check,
        tag=OUTCOME_TAGS.get(check.outcome, "") if check else "",
        held=held_rows(check) if check else [],
        advice=advice(check, registration) if check else [],
        notes=notes(check) if check else [],
        reason=REASON_WORDS.get(check.reason, "") if check else "",
        may_check_again=(
            user.role == User.Role.EPAO_ADMIN and configured() and not registration.is_read_only
        ),
    )


def service_context(user: User, registration: Registration) -> dict[str, object]:
    """What the apprentice's page shows of the service: the learner check and the consent."""
    state: ConsentState = consent_state(user, registration)
    return {"check_card": check_card(user, registration), "consent": state}
