"""Pure resit, retake and appeal rules over the five specifications."""

from __future__ import annotations

from datetime import date

from openepa.rules.loader import load_catalogue
from openepa.rules.reassessment import (
    appeal_grounds_too_long,
    appeal_late,
    components_to_reopen,
    exceptional_circumstances_problem,
    past_time_limit,
    reassessment_deadline,
    returns_to_gateway,
)


def _spec(spec_id: str):
    catalogue = load_catalogue()
    specs = getattr(catalogue, "specifications", catalogue)
    return specs[spec_id] if isinstance(specs, dict) else next(s for s in specs if s.id == spec_id)


def test_highfield_limit_runs_12_months_from_the_fail_result():
    deadline = reassessment_deadline(
        _spec("st0071-highfield"), first_fail_released_on=date(2026, 1, 10), first_assessed_on=None
    )
    assert deadline is not None
    assert deadline.ends_on == date(2027, 1, 10)
    assert past_time_limit("resit", deadline, date(2027, 1, 10)) is None
    assert "past the 12 months limit (ended on 10 January 2027)" in (
        past_time_limit("resit", deadline, date(2027, 1, 11)) or ""
    )


def test_specifications_without_a_limit_have_no_deadline():
    for spec_id in ("st0072-activeiq", "st0072-excelme", "st0071-epakit"):
        spec = _spec(spec_id)
        assert (
            reassessment_deadline(
                spec, first_fail_released_on=date(2026, 1, 1), first_assessed_on=None
            )
            is None
        )
        assert not returns_to_gateway(spec, "retake")


def test_exceptional_circumstances_only_where_the_cap_is_lifted_by_them():
    assert exceptional_circumstances_problem(_spec("st0071-highfield"), True, "Illness") is None
    assert "cannot be recorded" in (
        exceptional_circumstances_problem(_spec("st0071-epakit"), True, "Illness") or ""
    )
    assert "sets no cap" in (
        exceptional_circumstances_problem(_spec("st0072-activeiq"), True, "Illness") or ""
    )


def test_the_appeal_period_includes_its_last_day():
    assert appeal_late(date(2026, 1, 10), 31, date(2026, 2, 10)) is None
    assert appeal_late(date(2026, 1, 10), 31, date(2026, 2, 11)).startswith(
        "The appeal period of 31 days ended on 10 February 2026"
    )


def test_qualifications_stay_accepted_when_the_gateway_is_reopened():
    components = [
        {"requirement_id": "english", "uses": "english_maths", "status": "accepted"},
        {
            "requirement_id": "gateway-declaration",
            "uses": "gateway_declaration",
            "status": "accepted",
        },
        {"requirement_id": "readiness", "uses": "", "status": "accepted"},
        {"requirement_id": "optional", "uses": "", "status": "not_started"},
    ]
    assert components_to_reopen(components) == ["gateway-declaration", "readiness"]


def test_appeal_grounds_too_long_above_5000_characters():
    assert appeal_grounds_too_long("x" * 5000) is None
    assert appeal_grounds_too_long("x" * 5001) == (
        "The grounds must be 5,000 characters or fewer: you entered 5,001. Shorten them, and "
        "send any longer account to the EPAO as evidence."
    )
