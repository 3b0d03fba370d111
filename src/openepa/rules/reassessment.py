"""Resits, retakes and appeals: who may take what again, by when, and when an appeal is late.

Pure rules over the specification's ``reassessment`` section and plain dates. Every refusal
is a sentence the EPAO admin (or the party appealing) reads: what is wrong, the
specification's words where it has them, and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from openepa.rules.dates import describe, long_date, shift
from openepa.rules.labels import event_words
from openepa.rules.model import Period, Source, Specification
from openepa.rules.plausibility import agreement_before_start_problem

KINDS = ("resit", "retake")
ANCHORS = {
    "fail_result": "the release of the first fail",
    "first_assessment": "the first assessment",
}
# Gateway evidence that further learning does not change: a qualification already achieved,
# and the project proposal, which is decided on its own page and reopened only if asked.
KEPT_AT_GATEWAY = ("english_maths", "project_proposal")


def quoted(source: Source | None) -> str:
    """The source's words and place in brackets, or nothing."""
    if source is None:
        return ""
    if source.quote:
        return f' ("{source.quote}", {source.place})'
    return f" ({source.place})"


@dataclass(frozen=True)
class Deadline:
    """By when a resit or retake must be completed, from the specification's time limit."""

    ends_on: date | None
    length: str
    after: str
    anchor_on: date | None
    source: Source

    @property
    def summary(self) -> str:
        """The deadline in one sentence."""
        anchor = ANCHORS.get(self.after) or event_words(None, self.after)
        if self.ends_on is None:
            return f"Within {self.length} of {anchor} (not yet known)."
        return (
            f"By {long_date(self.ends_on)}: within {self.length} of {anchor} "
            f"on {long_date(self.anchor_on) if self.anchor_on else ''}."
        )


def period_end(period: Period, anchor_on: date | None) -> date | None:
    """The last day of ``period`` counted from ``anchor_on`` (None while it is unknown)."""
    if anchor_on is None:
        return None
    return shift(anchor_on, period.amount.unit, period.amount.value)


def reassessment_deadline(
    spec: Specification,
    *,
    first_fail_released_on: date | None,
    first_assessed_on: date | None,
) -> Deadline | None:
    """The resit and retake deadline the specification's ``time_limit`` sets, if any.

    ``after: fail_result`` counts from the release of the first fail of this round of the
    EPA; ``after: first_assessment`` from its first assessment. The last day is included.
    """
    limit = spec.reassessment.time_limit
    if limit is None:
        return None
    after = limit.after or "fail_result"
    anchor = first_assessed_on if after == "first_assessment" else first_fail_released_on
    return Deadline(
        ends_on=period_end(limit, anchor),
        length=describe(limit.amount.unit, limit.amount.value),
        after=after,
        anchor_on=anchor,
        source=limit.source,
    )


def project_rework_deadline(spec: Specification, fail_released_on: date | None) -> date | None:
    """The last day to rework a failed project, where the specification sets one."""
    rework = spec.reassessment.project_rework
    return period_end(rework, fail_released_on) if rework is not None else None


def past_time_limit(kind: str, deadline: Deadline | None, on: date) -> str | None:
    """Refuse a resit or retake of the failed methods after the time limit has passed."""
    if deadline is None or deadline.ends_on is None or on <= deadline.ends_on:
        return None
    return (
        f"A {kind} is refused: {long_date(on)} is past the {deadline.length} limit (ended on "
        f"{long_date(deadline.ends_on)}): the whole EPA must be taken again"
        f"{quoted(deadline.source)}. Record the whole EPA again instead."
    )


def whole_epa_not_due(deadline: Deadline | None, on: date) -> str | None:
    """Refuse taking the whole EPA again while only the failed methods need taking."""
    if deadline is None:
        return (
            "The whole EPA is taken again only when the time limit for a resit or retake has "
            "passed, and this specification sets no such limit: take the failed methods again."
        )
    if deadline.ends_on is None or on <= deadline.ends_on:
        ends = f" (it ends on {long_date(deadline.ends_on)})" if deadline.ends_on else ""
        return (
            f"The {deadline.length} limit has not passed{ends}: only the failed methods are "
            "taken again, so record a resit or retake of those."
        )
    return None


def improving_a_pass(
    spec: Specification, kind: str, name: str, label: str, released_on: date
) -> str:
    """The refusal of a resit or retake after a pass or a distinction."""
    rule = spec.reassessment.improving_a_pass_refused
    if rule is not None and rule.value:
        quote = f" ({rule.source.quote})" if rule.source.quote else f" ({rule.source.place})"
        return (
            f"A {kind} is refused: {name} passed with {label} on {long_date(released_on)}; "
            f"{spec.epao.name} does not offer resits or retakes to improve a pass{quote}"
        )
    return (
        f"A {kind} is refused: {name} passed with {label} on {long_date(released_on)}; only failed "
        "methods are ever taken again, so there is nothing to resit or retake."
    )


def exceptional_circumstances_problem(
    spec: Specification, claimed: bool, reason: str
) -> str | None:
    """Refuse exceptional circumstances where they cannot lift the cap, or without a reason."""
    if not claimed:
        return None
    cap = spec.reassessment.cap
    if cap is None:
        return (
            f"{spec.epao.name}'s specification sets no cap on a resit or retake, so there are no "
            "exceptional circumstances to record: untick exceptional circumstances."
        )
    if not cap.lifted_by_exceptional_circumstances:
        return (
            f"Exceptional circumstances cannot be recorded: at {spec.epao.name}, a resit or "
            f"retake is capped at {spec.grade_labels.pass_} whatever the circumstances"
            f"{quoted(cap.source)}. Untick exceptional circumstances."
        )
    if not reason.strip():
        return "Describe the exceptional circumstances that accounted for the original fail."
    return None


def employer_agreement_problems(
    agreed: bool, contact: str, agreed_on: date | None, on: date, started_on: date | None = None
) -> dict[str, str]:
    """What is missing from the employer's agreement, by form field.

    The agreement is dated no later than ``on`` and, when ``started_on`` is given, no earlier
    than the apprenticeship's start (:func:`agreement_before_start_problem`).
    """
    problems: dict[str, str] = {}
    if not agreed:
        problems["employer_agreed"] = (
            "A resit or retake needs the employer's agreement: confirm that the employer agreed."
        )
    if not contact.strip():
        problems["employer_contact"] = "Enter the name of the employer's contact who agreed."
    if agreed_on is None:
        problems["employer_agreed_on"] = "Enter the date the employer agreed."
    elif agreed_on > on:
        problems["employer_agreed_on"] = (
            f"The date the employer agreed cannot be in the future (today is {long_date(on)})."
        )
    elif started_on is not None and (
        early := agreement_before_start_problem(agreed_on, started_on)
    ):
        problems["employer_agreed_on"] = early
    return problems


def further_learning_problem(kind: str, further_learning: str) -> str | None:
    """A retake needs the further learning the apprentice will do."""
    if kind == "retake" and not further_learning.strip():
        return (
            "A retake needs further learning: describe the learning the apprentice will "
            "undertake before they are assessed again."
        )
    return None


def attempts_problem(attempt: int, agreed: int | None) -> str | None:
    """Refuse a reassessment beyond the number of attempts the employer agreed."""
    if agreed is None or agreed < 1:
        return "Enter the number of attempts the employer agreed to (1 or more)."
    if attempt > agreed:
        return (
            f"This would be attempt {attempt} after the first, but the employer agreed to "
            f"{agreed}: enter the number of attempts the employer now agrees to."
        )
    return None


def returns_to_gateway(spec: Specification, kind: str) -> bool:
    """Whether a retake sends the apprentice through the gateway again."""
    rule = spec.reassessment.retake_returns_to_gateway
    return kind == "retake" and rule is not None and rule.value


def components_to_reopen(components: Iterable[Mapping[str, Any]]) -> list[str]:
    """The accepted gateway components to review again after further learning.

    Each component is ``{"requirement_id", "uses", "status"}``. Everything accepted is
    reopened except what further learning does not change (:data:`KEPT_AT_GATEWAY`).
    """
    return [
        c["requirement_id"]
        for c in components
        if c["status"] == "accepted" and (c.get("uses") or "") not in KEPT_AT_GATEWAY
    ]


def failed_methods(methods: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ids of the methods a result records as failed, in its order."""
    return [m["id"] for m in methods if m.get("grade") == "fail"]


# --- appeals ------------------------------------------------------------------------------


def appeal_period_ends(released_on: date, days: int) -> date:
    """The last day an appeal may be lodged: ``days`` after the release, included."""
    return released_on + timedelta(days=days)


def appeal_late(released_on: date, days: int, on: date) -> str | None:
    """Refuse an appeal after the EPAO's appeal period."""
    ends = appeal_period_ends(released_on, days)
    if on <= ends:
        return None
    return (
        f"The appeal period of {days} days ended on {long_date(ends)}: the result was released on "
        f"{long_date(released_on)}, and appeals are accepted within {days} days of the release."
    )


#: The longest grounds of an appeal, in characters: room for a full account on one page.
APPEAL_GROUNDS_MAX_CHARACTERS = 5000


def appeal_grounds_too_long(grounds: str) -> str | None:
    """Refuse grounds longer than :data:`APPEAL_GROUNDS_MAX_CHARACTERS`."""
    length = len(grounds)
    if length <= APPEAL_GROUNDS_MAX_CHARACTERS:
        return None
    return (
        f"The grounds must be {APPEAL_GROUNDS_MAX_CHARACTERS:,} characters or fewer: you "
        f"entered {length:,}. Shorten them, and send any longer account to the EPAO as evidence."
    )
