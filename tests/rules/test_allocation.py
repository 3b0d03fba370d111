"""Who may assess an apprentice, and in what order: the pure eligibility rules.

Pat is an apprentice at Bright Retail (employer 10) trained by Acme Training (provider 20) on
st0071-highfield, through the gateway on Monday 3 August 2026 with a window to 2 November.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from openepa.rules.allocation import (
    Apprenticeship,
    Candidate,
    Declared,
    Party,
    assess,
    available_days,
    rank,
    weeks_concerned,
)

PAT = Apprenticeship(
    spec_id="st0071-highfield",
    employer=10,
    provider=20,
    apprentice="9999999999",
    window_start=date(2026, 8, 3),
    window_end=date(2026, 11, 2),
)
WEEKDAYS = frozenset({0, 1, 2, 3, 4})


def anna(**changes: object) -> Candidate:
    """Anna, approved for Highfield, five assessments a week, Monday to Friday."""
    candidate = Candidate(
        person=1,
        name="Anna Assessor",
        approved_specs=frozenset({"st0071-highfield"}),
        weekly_capacity=5,
        working_days=WEEKDAYS,
    )
    return replace(candidate, **changes)  # type: ignore[arg-type]


def test_an_approved_independent_available_assessor_is_eligible() -> None:
    verdict = assess(PAT, anna())
    assert verdict.eligible
    assert verdict.reasons == ()


def test_an_assessor_not_approved_for_the_specification_is_not_eligible() -> None:
    verdict = assess(PAT, anna(approved_specs=frozenset({"st0071-nqual"})))
    assert not verdict.eligible
    assert verdict.reasons == ("Not approved for the specification st0071-highfield",)


def test_a_relationship_with_the_employer_provider_or_apprentice_makes_them_ineligible() -> None:
    for party, target in (
        (Party.EMPLOYER, 10),
        (Party.PROVIDER, 20),
        (Party.APPRENTICE, "9999999999"),
    ):
        declared = Declared(party=party, target=target, description="worked with them")
        verdict = assess(PAT, anna(relationships=(declared,)))
        assert verdict.reasons == ("Not independent: declared that they worked with them",)


def test_a_relationship_with_someone_else_does_not_matter() -> None:
    others = (
        Declared(party=Party.EMPLOYER, target=11, description="worked for another employer"),
        Declared(party=Party.PROVIDER, target=10, description="an id of the employer"),
        Declared(party=Party.APPRENTICE, target="1111111111", description="knows another"),
    )
    assert assess(PAT, anna(relationships=others)).eligible


def test_unavailable_throughout_the_window_is_not_eligible() -> None:
    verdict = assess(PAT, anna(unavailable=((date(2026, 8, 1), date(2026, 11, 30)),)))
    assert verdict.available_days == 0
    assert verdict.reasons == (
        "Unavailable throughout the EPA window (3 August 2026 to 2 November 2026)",
    )


def test_one_free_day_in_the_window_is_enough() -> None:
    verdict = assess(PAT, anna(unavailable=((date(2026, 8, 3), date(2026, 10, 30)),)))
    assert verdict.eligible
    assert verdict.available_days == 1  # Monday 2 November


def test_bank_holidays_and_days_off_are_not_available() -> None:
    # Week of the summer bank holiday (Monday 31 August 2026): Tuesday to Friday only.
    assert available_days(date(2026, 8, 31), date(2026, 9, 4), WEEKDAYS) == 4
    assert available_days(date(2026, 8, 31), date(2026, 9, 4), {0, 1}) == 1
    # Weekends never count, even in a pattern that names them.
    assert available_days(date(2026, 9, 5), date(2026, 9, 6), {5, 6}) == 0


def test_at_capacity_counts_the_assessments_in_the_weeks_of_the_window() -> None:
    # A window of one week: five assessments a week, Monday to Friday.
    short = replace(PAT, window_end=date(2026, 8, 7))
    assert weeks_concerned(short) == (date(2026, 8, 3), date(2026, 8, 9))
    assert assess(short, anna(workload=4)).eligible
    verdict = assess(short, anna(workload=5))
    assert verdict.reasons == (
        "At capacity: 5 assessments booked or planned from 3 August 2026 to 9 August 2026, "
        "capacity 5 (5 a week)",
    )
    assert verdict.overridable


def test_at_capacity_in_part_of_a_week_counts_the_days_they_can_work() -> None:
    # One day a week free in a window with one working day: capacity 1 * 1 / 5, rounded up.
    one_day = replace(PAT, window_end=date(2026, 8, 3))
    assert assess(one_day, anna(weekly_capacity=1, workload=0)).eligible
    verdict = assess(one_day, anna(weekly_capacity=1, workload=1))
    assert verdict.capacity == 1
    assert not verdict.eligible


def test_without_a_window_end_capacity_counts_the_next_weeks() -> None:
    """Active IQ sets no EPA window: the weeks ahead count, not every apprentice allocated."""
    open_ended = replace(PAT, window_start=date(2026, 9, 9), window_end=None, weeks_ahead=4)
    assert weeks_concerned(open_ended) == (date(2026, 9, 7), date(2026, 10, 4))
    verdict = assess(open_ended, anna(weekly_capacity=2, workload=7))
    assert (verdict.eligible, verdict.capacity) == (True, 8)
    full = assess(open_ended, anna(weekly_capacity=2, workload=8))
    assert full.reasons == (
        "At capacity: 8 assessments booked or planned from 7 September 2026 to 4 October 2026, "
        "capacity 8 (2 a week)",
    )


def test_unavailable_throughout_the_weeks_ahead_is_not_eligible() -> None:
    open_ended = replace(PAT, window_start=date(2026, 9, 7), window_end=None, weeks_ahead=1)
    verdict = assess(open_ended, anna(unavailable=((date(2026, 9, 7), date(2026, 9, 11)),)))
    assert verdict.reasons == (
        "Unavailable throughout the next 1 week (7 September 2026 to 13 September 2026)",
    )
    assert not verdict.overridable


def test_only_a_capacity_refusal_may_be_overridden() -> None:
    short = replace(PAT, window_end=date(2026, 8, 7))
    assert not assess(short, anna(workload=5, approved_specs=frozenset())).overridable
    assert not assess(short, anna()).overridable


def test_every_reason_is_given() -> None:
    declared = Declared(party=Party.EMPLOYER, target=10, description="worked for Bright Retail")
    verdict = assess(PAT, anna(approved_specs=frozenset(), relationships=(declared,)))
    assert verdict.reasons == (
        "Not approved for the specification st0071-highfield",
        "Not independent: declared that they worked for Bright Retail",
    )


def test_ranking_independence_then_availability_then_workload() -> None:
    busy = anna(person=2, name="Bea Busy", workload=30)
    away = anna(person=3, name="Cal Away", unavailable=((date(2026, 8, 3), date(2026, 9, 30)),))
    familiar = anna(person=4, name="Dee Familiar", assessed_at_parties=2)
    free = anna(person=5, name="Eve Free")
    barred = anna(person=6, name="Aaron Barred", approved_specs=frozenset())
    order = [v.candidate.name for v in rank(PAT, [busy, away, familiar, free, barred])]
    # Independence first, then more available days, then the lighter workload.
    assert order == ["Eve Free", "Bea Busy", "Cal Away", "Dee Familiar", "Aaron Barred"]
