"""The gateway's pure rules: proposal length, portfolio limits and the dates of a gateway.

A proposal's words are counted by the one word counter, tested in ``test_words.py``.
"""

from __future__ import annotations

from datetime import date

import pytest

from openepa.rules import gateway_rules
from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification


@pytest.fixture(scope="module")
def specs() -> dict[str, Specification]:
    return dict(load_catalogue().specifications)


def test_a_proposal_outside_its_word_range_is_refused_with_its_count() -> None:
    assert gateway_rules.word_count_problem(180, 200, 300) == (
        "The proposal has 180 words: it must be between 200 and 300 words"
    )
    assert gateway_rules.word_count_problem(301, 200, 300) == (
        "The proposal has 301 words: it must be between 200 and 300 words"
    )
    assert gateway_rules.word_count_problem(200, 200, 300) is None
    assert gateway_rules.word_count_problem(300, 200, 300) is None


def test_highfield_portfolio_needs_10_to_15_pieces(specs: dict[str, Specification]) -> None:
    portfolio = specs["st0071-highfield"].evidence.portfolio
    assert gateway_rules.portfolio_count_problem(9, portfolio, "Highfield") == (
        "Highfield asks for 10 to 15 pieces of evidence: the portfolio has 9; add at least 1 more"
    )
    assert gateway_rules.portfolio_count_problem(10, portfolio, "Highfield") is None
    assert gateway_rules.portfolio_count_problem(15, portfolio, "Highfield") is None
    assert gateway_rules.portfolio_count_problem(16, portfolio, "Highfield") == (
        "Highfield asks for 10 to 15 pieces of evidence: the portfolio has 16; remove at least 1"
    )


def test_a_full_portfolio_takes_no_more_pieces(specs: dict[str, Specification]) -> None:
    portfolio = specs["st0071-highfield"].evidence.portfolio
    assert gateway_rules.portfolio_full_problem(14, portfolio, "Highfield") is None
    assert "remove a piece before adding another" in (
        gateway_rules.portfolio_full_problem(15, portfolio, "Highfield") or ""
    )


def test_a_portfolio_without_limits_needs_one_piece(specs: dict[str, Specification]) -> None:
    portfolio = specs["st0072-activeiq"].evidence.portfolio
    assert gateway_rules.portfolio_range(portfolio) == (1, None)
    assert gateway_rules.portfolio_count_problem(0, portfolio, "Active IQ") == (
        "Add at least 1 piece of evidence to the portfolio"
    )
    assert gateway_rules.portfolio_count_problem(40, portfolio, "Active IQ") is None
    assert gateway_rules.portfolio_full_problem(40, portfolio, "Active IQ") is None


def test_nqual_excluded_types_match_whatever_the_case_hyphens_or_plural(
    specs: dict[str, Specification],
) -> None:
    excluded = specs["st0071-nqual"].evidence.portfolio.excluded_types  # type: ignore[union-attr]
    assert gateway_rules.excluded_type("Reflective account", excluded) == "reflective accounts"
    assert gateway_rules.excluded_type("Self-evaluation", excluded) == "self-evaluation"
    assert gateway_rules.excluded_type("self evaluations", excluded) == "self-evaluation"
    assert gateway_rules.excluded_type("Witness statement", excluded) is None
    assert gateway_rules.excluded_type("Reflective account", []) is None


def test_earliest_gateway_is_the_start_plus_the_minimum_time_on_programme(
    specs: dict[str, Specification],
) -> None:
    start = date(2025, 1, 31)
    assert gateway_rules.earliest_gateway(start, specs["st0071-highfield"].gateway) == date(
        2026, 4, 30
    )
    assert gateway_rules.earliest_gateway(start, specs["st0072-activeiq"].gateway) == date(
        2026, 1, 31
    )
    assert gateway_rules.earliest_gateway(start, specs["st0071-nqual"].gateway) is None


def test_highfield_time_checks_on_a_given_day(specs: dict[str, Specification]) -> None:
    gateway = specs["st0071-highfield"].gateway
    before = gateway_rules.time_checks(
        gateway,
        start_date=date(2025, 1, 6),
        on_programme_end_date=date(2026, 4, 30),
        on=date(2026, 4, 5),
    )
    assert [(c.name, c.met, c.due) for c in before] == [
        ("Minimum time on programme (15 months)", False, date(2026, 4, 6)),
        ("On or after the on-programme end date", False, date(2026, 4, 30)),
    ]
    assert "on or after 6 April 2026" in before[0].explanation
    after = gateway_rules.time_checks(
        gateway,
        start_date=date(2025, 1, 6),
        on_programme_end_date=date(2026, 4, 30),
        on=date(2026, 4, 30),
    )
    assert all(check.met for check in after)


def test_activeiq_only_checks_twelve_months(specs: dict[str, Specification]) -> None:
    checks = gateway_rules.time_checks(
        specs["st0072-activeiq"].gateway,
        start_date=date(2025, 1, 6),
        on_programme_end_date=date(2026, 4, 30),
        on=date(2026, 1, 6),
    )
    assert [(c.name, c.met) for c in checks] == [("Minimum time on programme (12 months)", True)]


def test_the_epa_window_is_three_months_at_highfield_and_nqual_and_unset_elsewhere(
    specs: dict[str, Specification],
) -> None:
    gateway_date = date(2026, 5, 31)
    assert gateway_rules.epa_window_end(specs["st0071-highfield"], gateway_date) == date(
        2026, 8, 31
    )
    assert gateway_rules.epa_window_end(specs["st0071-nqual"], gateway_date) == date(2026, 8, 31)
    assert gateway_rules.epa_window_end(specs["st0072-activeiq"], gateway_date) is None
    assert gateway_rules.epa_window_end(specs["st0072-excelme"], gateway_date) is None
    rule = gateway_rules.epa_window_rule(specs["st0071-highfield"])
    assert rule is not None
    assert rule.source.quote
    assert "3-month end-assessment window" in rule.source.quote


def test_a_rejected_highfield_proposal_is_due_again_within_a_week(
    specs: dict[str, Specification],
) -> None:
    assert gateway_rules.proposal_resubmit_by(specs["st0071-highfield"], date(2026, 6, 1)) == (
        date(2026, 6, 8)
    )
    assert gateway_rules.proposal_resubmit_by(specs["st0071-nqual"], date(2026, 6, 1)) is None
