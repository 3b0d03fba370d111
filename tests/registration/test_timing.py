"""The registration lead time and the earliest gateway, worked out from a specification."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.registration.timing import earliest_gateway, lead_time, registration_rule
from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification


@pytest.fixture(scope="module")
def catalogue_specs() -> dict[str, Specification]:
    return dict(load_catalogue().specifications)


def test_nqual_sets_a_lead_time_of_90_days(catalogue_specs: dict[str, Specification]) -> None:
    rule = lead_time(catalogue_specs["st0071-nqual"], date(2026, 11, 22))
    assert rule is not None
    assert rule.length == "90 days"
    assert rule.earliest_assessment == date(2027, 2, 20)


def test_a_month_ending_before_the_earliest_date_is_refused_with_what_to_choose(
    catalogue_specs: dict[str, Specification],
) -> None:
    rule = lead_time(catalogue_specs["st0071-nqual"], date(2026, 11, 22))
    assert rule is not None
    assert rule.problem(date(2027, 1, 1)) == (
        "NQual asks for registration at least 90 days before assessment: the earliest "
        "assessment date is 20 February 2027, so choose a planned assessment month of "
        "February 2027 or later"
    )
    assert rule.problem(date(2027, 2, 1)) is None


@pytest.mark.parametrize(
    ("registered_on", "january_allowed"),
    [
        (date(2026, 11, 2), True),  # 90 days later is 31 January 2027
        (date(2026, 11, 3), False),  # 90 days later is 1 February 2027
    ],
)
def test_the_lead_time_is_met_on_exactly_90_days(
    catalogue_specs: dict[str, Specification], registered_on: date, january_allowed: bool
) -> None:
    rule = lead_time(catalogue_specs["st0071-nqual"], registered_on)
    assert rule is not None
    assert rule.met_by(date(2027, 1, 1)) is january_allowed


def test_the_summary_says_whether_the_lead_time_is_met(
    catalogue_specs: dict[str, Specification],
) -> None:
    rule = lead_time(catalogue_specs["st0071-nqual"], date(2026, 11, 22))
    assert rule is not None
    assert rule.summary(date(2027, 3, 1)) == (
        "at least 90 days before assessment (NQual) — met: earliest assessment date "
        "20 February 2027"
    )
    assert "not met" in rule.summary(date(2026, 12, 1))


@pytest.mark.parametrize(
    "spec_id", ["st0071-highfield", "st0071-epakit", "st0072-activeiq", "st0072-excelme"]
)
def test_specifications_without_a_registration_rule_set_no_lead_time(
    catalogue_specs: dict[str, Specification], spec_id: str
) -> None:
    assert registration_rule(catalogue_specs[spec_id]) is None
    assert lead_time(catalogue_specs[spec_id], date(2026, 11, 22)) is None


def test_highfield_earliest_gateway_is_15_months_and_the_end_of_the_programme(
    catalogue_specs: dict[str, Specification],
) -> None:
    spec = catalogue_specs["st0071-highfield"]
    later_end = earliest_gateway(spec, date(2025, 1, 6), date(2026, 6, 30))
    assert later_end is not None
    assert later_end.day == date(2026, 6, 30)
    earlier_end = earliest_gateway(spec, date(2025, 1, 6), date(2026, 2, 27))
    assert earlier_end is not None
    assert earlier_end.day == date(2026, 4, 6)
    assert "at least 15 months on programme" in earlier_end.summary()


def test_activeiq_earliest_gateway_is_12_months_on_programme(
    catalogue_specs: dict[str, Specification],
) -> None:
    gateway = earliest_gateway(
        catalogue_specs["st0072-activeiq"], date(2025, 1, 31), date(2025, 6, 1)
    )
    assert gateway is not None
    assert gateway.day == date(2026, 1, 31)


def test_nqual_sets_no_earliest_gateway(catalogue_specs: dict[str, Specification]) -> None:
    assert (
        earliest_gateway(catalogue_specs["st0071-nqual"], date(2025, 1, 6), date(2026, 4, 30))
        is None
    )
