"""Pure rules of the gateway: proposal length, portfolio limits and the dates a gateway depends on.

Nothing here imports Django: each function takes the specification's own values (or the
pydantic models of :mod:`openepa.rules.model`) and returns a value or a message for a person.
A proposal's words are counted by :func:`openepa.rules.words.count_words`, the one word
counter for proposals and reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from openepa.rules.dates import describe, shift
from openepa.rules.model import Gateway, Portfolio, Source, Specification, TimeRule


def word_count_problem(count: int, min_words: int, max_words: int) -> str | None:
    """Why a piece of writing of ``count`` words is outside its range, or None if it is not."""
    if min_words <= count <= max_words:
        return None
    return (
        f"The proposal has {count} word{'' if count == 1 else 's'}: "
        f"it must be between {min_words} and {max_words} words"
    )


def portfolio_range(portfolio: Portfolio | None) -> tuple[int, int | None]:
    """The fewest and most pieces the portfolio may have (at least one piece when unset)."""
    if portfolio is None:
        return 1, None
    return portfolio.min_pieces or 1, portfolio.max_pieces


def portfolio_count_problem(count: int, portfolio: Portfolio | None, epao: str) -> str | None:
    """Why a portfolio of ``count`` pieces cannot be submitted, or None if it can."""
    low, high = portfolio_range(portfolio)
    stated_low = portfolio.min_pieces if portfolio else None
    if stated_low and high:
        wanted = f"{stated_low} to {high} pieces of evidence"
    elif stated_low:
        wanted = f"at least {stated_low} pieces of evidence"
    elif high:
        wanted = f"at most {high} pieces of evidence"
    else:
        wanted = None
    has = f"the portfolio has {count}"
    if count < low:
        missing = low - count
        if wanted is None:
            return "Add at least 1 piece of evidence to the portfolio"
        return f"{epao} asks for {wanted}: {has}; add at least {missing} more"
    if high is not None and count > high:
        return f"{epao} asks for {wanted}: {has}; remove at least {count - high}"
    return None


def portfolio_full_problem(count: int, portfolio: Portfolio | None, epao: str) -> str | None:
    """Why one more piece cannot be added to a portfolio of ``count`` pieces, or None."""
    _, high = portfolio_range(portfolio)
    if high is not None and count >= high:
        return (
            f"{epao} asks for at most {high} pieces of evidence and the portfolio has {count}: "
            "remove a piece before adding another"
        )
    return None


def _normalise_type(text: str) -> str:
    """Lower case, hyphens and underscores as spaces, each word without a plural "s"."""
    words = re.sub(r"[\s_\-‐]+", " ", text.lower()).strip().split(" ")
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


def excluded_type(type_label: str, excluded_types: list[str]) -> str | None:
    """The specification's wording of the excluded type ``type_label`` matches, or None.

    Matching ignores case, hyphens and plurals: "Reflective account" matches "reflective
    accounts" and "Self-evaluation" matches "self-evaluation".
    """
    wanted = _normalise_type(type_label)
    for excluded in excluded_types:
        if _normalise_type(excluded) == wanted:
            return excluded
    return None


def earliest_gateway(start_date: date, gateway: Gateway) -> date | None:
    """The first date the gateway may be held after the minimum time on programme, if any."""
    minimum = gateway.minimum_on_programme
    if minimum is None:
        return None
    return shift(start_date, minimum.amount.unit, minimum.amount.value)


@dataclass(frozen=True)
class TimeCheck:
    """One time condition of the gateway, judged on a given day."""

    name: str
    met: bool
    due: date
    explanation: str
    source: Source


def time_checks(
    gateway: Gateway, *, start_date: date, on_programme_end_date: date, on: date
) -> list[TimeCheck]:
    """The gateway's time conditions (minimum time on programme, on-programme end) on ``on``."""
    checks = []
    minimum = gateway.minimum_on_programme
    if minimum is not None:
        earliest = shift(start_date, minimum.amount.unit, minimum.amount.value)
        length = describe(minimum.amount.unit, minimum.amount.value)
        checks.append(
            TimeCheck(
                name=f"Minimum time on programme ({length})",
                met=on >= earliest,
                due=earliest,
                explanation=(
                    f"The apprentice started on {_day(start_date)}: the gateway may be held "
                    f"on or after {_day(earliest)}, after {length} on programme"
                ),
                source=minimum.source,
            )
        )
    after_end = gateway.on_or_after_on_programme_end
    if after_end is not None and after_end.value:
        checks.append(
            TimeCheck(
                name="On or after the on-programme end date",
                met=on >= on_programme_end_date,
                due=on_programme_end_date,
                explanation=(
                    "The gateway must be held on or after the on-programme end date, "
                    f"{_day(on_programme_end_date)}"
                ),
                source=after_end.source,
            )
        )
    return checks


def epa_window_rule(spec: Specification) -> TimeRule | None:
    """The rule that sets how long after the gateway the last assessment may be, if any."""
    for rule in spec.time_rules:
        if rule.event == "last_assessment" and rule.after == "gateway" and rule.at_most:
            return rule
    return None


def epa_window_end(spec: Specification, gateway_date: date) -> date | None:
    """The last day of the EPA window opened on ``gateway_date``, or None if none is set."""
    rule = epa_window_rule(spec)
    if rule is None or rule.at_most is None:
        return None
    return shift(gateway_date, rule.at_most.unit, rule.at_most.value)


def proposal_resubmission_rule(spec: Specification) -> TimeRule | None:
    """The rule saying how soon a rejected project proposal must be resubmitted, if any."""
    for rule in spec.time_rules:
        if (
            rule.event == "proposal_resubmission"
            and rule.after == "proposal_rejection"
            and rule.at_most
        ):
            return rule
    return None


def proposal_resubmit_by(spec: Specification, rejected_on: date) -> date | None:
    """The last day a proposal rejected on ``rejected_on`` may be resubmitted, or None."""
    rule = proposal_resubmission_rule(spec)
    if rule is None or rule.at_most is None:
        return None
    return shift(rejected_on, rule.at_most.unit, rule.at_most.value)


def _day(value: date) -> str:
    """A date as people read it: 6 January 2025."""
    return f"{value.day} {value:%B %Y}"
