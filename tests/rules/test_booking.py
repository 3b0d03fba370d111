"""Booking rules: each rule on both sides of its limit, for every specification that states it.

Dates are fixed. Gateway is Monday 2 March 2026 unless a test says otherwise; the Spring bank
holiday, Monday 25 May 2026, falls inside several working-day counts below.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openepa.rules.booking.checks import check_booking, check_plan
from openepa.rules.booking.context import Booking, Plan, long_date
from openepa.rules.booking.deadlines import deadlines
from openepa.rules.booking.findings import Finding, refused
from openepa.rules.booking.ranges import window_end
from openepa.rules.loader import load_catalogue
from openepa.rules.model import Specification

CATALOGUE = load_catalogue()
SPECS = sorted(CATALOGUE.specifications.values(), key=lambda spec: spec.id)
ST0071 = ["st0071-highfield", "st0071-nqual", "st0071-epakit"]
ST0072 = ["st0072-activeiq", "st0072-excelme"]
GATEWAY = date(2026, 3, 2)


def spec(spec_id: str) -> Specification:
    return CATALOGUE.specification(spec_id)


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def refusals(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings if f.severity == "refusal"}


def plan(**fields: object) -> Plan:
    """A plan with gateway on 2 March 2026 and, for NQual, registration in good time."""
    fields.setdefault("gateway", GATEWAY)
    fields.setdefault("registered", date(2026, 1, 5))
    return Plan(**fields)  # type: ignore[arg-type]


def booking(method: str, on: date, booked_on: date = GATEWAY, **fields: object) -> Booking:
    return Booking(method, on, booked_on, **fields)  # type: ignore[arg-type]


# --- the EPA window ----------------------------------------------------------------------


@pytest.mark.parametrize("spec_id", ST0071)
def test_the_last_day_of_the_three_month_window_is_allowed_and_the_next_refused(
    spec_id: str,
) -> None:
    ok = check_booking(spec(spec_id), plan(), booking("observation", date(2026, 6, 2)))
    late = check_booking(spec(spec_id), plan(), booking("observation", date(2026, 6, 3)))
    assert "epa-window" not in rules(ok)
    assert "epa-window" in refusals(late)
    finding = next(f for f in late if f.rule == "epa-window")
    assert finding.date == date(2026, 6, 2)
    assert "Tuesday 2 June 2026" in finding.message
    assert finding.source is not None
    assert finding.source.quote
    assert finding.source.quote in finding.message
    assert finding.produced_by.startswith("epa-window:")


def test_a_window_from_the_end_of_november_ends_on_the_last_day_of_february() -> None:
    highfield = spec("st0071-highfield")
    gateway = date(2026, 11, 30)
    assert window_end(highfield, plan(gateway=gateway)) == date(2027, 2, 28)
    late = check_booking(
        highfield, plan(gateway=gateway), booking("project", date(2027, 3, 1), gateway)
    )
    assert "epa-window" in refusals(late)


def test_a_window_recorded_for_the_apprentice_replaces_the_specifications() -> None:
    highfield = spec("st0071-highfield")
    extended = plan(window_end=date(2026, 7, 1))
    ok = check_booking(highfield, extended, booking("observation", date(2026, 7, 1)))
    late = check_booking(highfield, extended, booking("observation", date(2026, 7, 2)))
    assert "epa-window" not in rules(ok)
    finding = next(f for f in late if f.rule == "epa-window")
    assert "recorded for this apprentice" in finding.produced_by


@pytest.mark.parametrize("spec_id", ST0072)
def test_st0072_specifications_state_no_window(spec_id: str) -> None:
    a_year_later = check_booking(spec(spec_id), plan(), booking("observation", date(2027, 3, 2)))
    assert "epa-window" not in rules(a_year_later)
    assert window_end(spec(spec_id), plan()) is None


@pytest.mark.parametrize("spec_id", ST0071 + ST0072)
def test_no_assessment_before_gateway(spec_id: str) -> None:
    on_gateway = check_booking(spec(spec_id), plan(), booking("discussion", GATEWAY))
    before = check_booking(
        spec(spec_id), plan(), booking("discussion", date(2026, 3, 1), date(2026, 2, 1))
    )
    assert "after-gateway" not in rules(on_gateway)
    assert "after-gateway" in refusals(before)


# --- notice of the observation -----------------------------------------------------------


@pytest.mark.parametrize("spec_id", ST0071)
def test_exactly_two_weeks_notice_of_the_observation_is_enough_a_day_less_is_refused(
    spec_id: str,
) -> None:
    on = date(2026, 3, 17)
    ok = check_booking(spec(spec_id), plan(), booking("observation", on, date(2026, 3, 3)))
    short = check_booking(spec(spec_id), plan(), booking("observation", on, date(2026, 3, 4)))
    assert "observation-notice" not in rules(ok)
    assert "observation-notice" in refusals(short)
    finding = next(f for f in short if f.rule == "observation-notice")
    assert finding.date == date(2026, 3, 3)
    # the fix: the first day with two weeks' notice from the day of booking
    assert "Wednesday 18 March 2026 or later" in finding.message


def test_highfields_notice_message_uses_its_own_words() -> None:
    short = check_booking(
        spec("st0071-highfield"), plan(), booking("observation", date(2026, 3, 10))
    )
    finding = next(f for f in short if f.rule == "observation-notice")
    assert finding.message.startswith(
        "The observation will be pre-planned giving the apprentice a minimum of 2 weeks' notice"
    )


@pytest.mark.parametrize("spec_id", ST0072)
def test_st0072_specifications_give_no_notice_period(spec_id: str) -> None:
    tomorrow = check_booking(
        spec(spec_id), plan(), booking("observation", date(2026, 3, 3), GATEWAY)
    )
    assert not any("notice" in f.rule for f in tomorrow)


@pytest.mark.parametrize("spec_id", ST0071)
def test_the_notice_period_is_only_for_the_observation(spec_id: str) -> None:
    tomorrow = check_booking(spec(spec_id), plan(), booking("discussion", date(2026, 3, 3)))
    assert "observation-notice" not in rules(tomorrow)


# --- the project report and the portfolio ------------------------------------------------


@pytest.mark.parametrize("spec_id", ST0071)
def test_report_submitted_two_weeks_before_the_interview(spec_id: str) -> None:
    interview = booking("project", date(2026, 6, 1), minutes=(60,))
    ok = check_booking(spec(spec_id), plan(report_submitted=date(2026, 5, 18)), interview)
    late = check_booking(spec(spec_id), plan(report_submitted=date(2026, 5, 19)), interview)
    assert "report-submission" not in rules(ok)
    assert "report-submission" in refusals(late)
    assert "Monday 18 May 2026" in next(f for f in late if f.rule == "report-submission").message


@pytest.mark.parametrize("spec_id", ST0071)
def test_an_interview_too_soon_for_a_report_not_yet_in_is_refused(spec_id: str) -> None:
    """Booked on the last day the report can still be in time: allowed; a day later: not."""
    on = date(2026, 6, 1)
    in_time = check_booking(spec(spec_id), plan(), booking("project", on, date(2026, 5, 18)))
    too_soon = check_booking(spec(spec_id), plan(), booking("project", on, date(2026, 5, 19)))
    assert "report-submission" not in rules(in_time)
    assert "report-submission" in refusals(too_soon)
    message = next(f for f in too_soon if f.rule == "report-submission").message
    assert "not recorded as done" in message


@pytest.mark.parametrize("spec_id", ST0071)
def test_portfolio_submitted_two_weeks_before_the_discussion(spec_id: str) -> None:
    discussion = booking("discussion", date(2026, 6, 1))
    ok = check_booking(spec(spec_id), plan(portfolio_submitted=date(2026, 5, 18)), discussion)
    late = check_booking(spec(spec_id), plan(portfolio_submitted=date(2026, 5, 19)), discussion)
    rule = "portfolio-before-discussion" if spec_id == "st0071-nqual" else "portfolio-submission"
    assert rule not in rules(ok)
    assert rule in refusals(late)


def test_nqual_wants_the_portfolio_14_days_before_the_first_assessment_of_any_method() -> None:
    nqual = spec("st0071-nqual")
    observation = booking("observation", date(2026, 5, 20))
    ok = check_booking(nqual, plan(portfolio_submitted=date(2026, 5, 6)), observation)
    late = check_booking(nqual, plan(portfolio_submitted=date(2026, 5, 7)), observation)
    assert "portfolio-before-epa" not in rules(ok)
    assert "portfolio-before-epa" in refusals(late)


def test_a_later_method_is_not_the_first_assessment() -> None:
    nqual = spec("st0071-nqual")
    first = plan(
        portfolio_submitted=date(2026, 5, 7),
        bookings=(booking("observation", date(2026, 5, 20)),),
    )
    later = check_booking(nqual, first, booking("project", date(2026, 5, 29)))
    assert "portfolio-before-epa" not in rules(later)


@pytest.mark.parametrize("spec_id", ST0072)
def test_st0072_specifications_set_no_submission_dates(spec_id: str) -> None:
    findings = check_booking(
        spec(spec_id), plan(portfolio_submitted=date(2026, 3, 20)), booking("discussion", GATEWAY)
    )
    assert not any("submission" in f.rule or "portfolio" in f.rule for f in findings)


# --- working days (NQual) ----------------------------------------------------------------


@pytest.mark.parametrize("rule", ["gateway-form", "evidence-upload"])
def test_ten_working_days_before_the_first_assessment_skip_the_spring_bank_holiday(
    rule: str,
) -> None:
    """Ten working days before Monday 1 June 2026 is Friday 15 May, not Monday 18 May.

    Monday 25 May 2026 is the Spring bank holiday: counting it as a working day would allow
    18 May.
    """
    nqual = spec("st0071-nqual")
    field = "gateway_form_sent" if rule == "gateway-form" else "gateway_evidence_uploaded"
    observation = booking("observation", date(2026, 6, 1))
    ok = check_booking(nqual, plan(**{field: date(2026, 5, 15)}), observation)
    late = check_booking(nqual, plan(**{field: date(2026, 5, 18)}), observation)
    assert rule not in rules(ok)
    assert rule in refusals(late)
    finding = next(f for f in late if f.rule == rule)
    assert finding.date == date(2026, 5, 15)
    assert "10 working days" in finding.message


@pytest.mark.parametrize("spec_id", ["st0071-highfield", "st0071-epakit", *ST0072])
def test_only_nqual_counts_working_days_for_gateway_forms(spec_id: str) -> None:
    findings = check_booking(
        spec(spec_id),
        plan(gateway_form_sent=date(2026, 5, 31), gateway_evidence_uploaded=date(2026, 5, 31)),
        booking("observation", date(2026, 6, 1)),
    )
    assert not rules(findings) & {"gateway-form", "evidence-upload"}


def test_nqual_registration_90_days_before_the_first_assessment() -> None:
    nqual = spec("st0071-nqual")
    observation = booking("observation", date(2026, 6, 1))
    ok = check_booking(nqual, plan(registered=date(2026, 3, 3)), observation)
    late = check_booking(nqual, plan(registered=date(2026, 3, 4)), observation)
    assert "registration" not in rules(ok)
    assert "registration" in refusals(late)


# --- the project (Highfield) -------------------------------------------------------------


def test_highfields_project_starts_on_or_after_gateway() -> None:
    highfield = spec("st0071-highfield")
    today = date(2026, 3, 10)
    ok = check_plan(highfield, plan(project_started=GATEWAY), today)
    early = check_plan(highfield, plan(project_started=date(2026, 3, 1)), today)
    assert "project-start" not in rules(ok)
    assert "project-start" in refusals(early)
    assert "The project must be started after the gateway process" in next(
        f.message for f in early if f.rule == "project-start"
    )


def test_highfields_project_is_completed_within_two_months_of_gateway() -> None:
    highfield = spec("st0071-highfield")
    today = date(2026, 5, 20)
    ok = check_plan(highfield, plan(project_completed=date(2026, 5, 2)), today)
    late = check_plan(highfield, plan(project_completed=date(2026, 5, 3)), today)
    assert "project-completion" not in rules(ok)
    assert "project-completion" in refusals(late)


def test_an_unfinished_project_is_overdue_the_day_after_its_limit() -> None:
    highfield = spec("st0071-highfield")
    assert "project-completion" not in rules(check_plan(highfield, plan(), date(2026, 5, 2)))
    assert "project-completion" in refusals(check_plan(highfield, plan(), date(2026, 5, 3)))


@pytest.mark.parametrize("spec_id", ["st0071-nqual", "st0071-epakit"])
def test_other_specifications_set_no_project_dates(spec_id: str) -> None:
    findings = check_plan(spec(spec_id), plan(project_started=date(2026, 1, 1)), date(2026, 12, 1))
    assert not rules(findings) & {"project-start", "project-completion"}


# --- order -------------------------------------------------------------------------------


@pytest.mark.parametrize("spec_id", ST0072)
def test_the_discussion_before_the_observation_is_refused(spec_id: str) -> None:
    observed = plan(bookings=(booking("observation", date(2026, 4, 15)),))
    before = check_booking(spec(spec_id), observed, booking("discussion", date(2026, 4, 14)))
    same_day = check_booking(spec(spec_id), observed, booking("discussion", date(2026, 4, 15)))
    assert "order:discussion" in refusals(before)
    assert "order:discussion" not in rules(same_day)


def test_active_iq_refuses_moving_the_observation_after_the_discussion() -> None:
    activeiq = spec("st0072-activeiq")
    discussed = plan(bookings=(booking("discussion", date(2026, 4, 15)),))
    moved = check_booking(activeiq, discussed, booking("observation", date(2026, 4, 16)))
    finding = next(f for f in moved if f.rule == "order:discussion")
    assert finding.severity == "refusal"
    assert finding.message.startswith(
        "The professional discussion will always take place after you have been observed"
    )


def test_highfields_recommended_order_is_a_warning_not_a_refusal() -> None:
    highfield = spec("st0071-highfield")
    projected = plan(bookings=(booking("project", date(2026, 5, 20)),))
    findings = check_booking(highfield, projected, booking("observation", date(2026, 5, 19)))
    assert [f.severity for f in findings if f.rule == "order:observation"] == ["warning"]
    assert not refused(findings)


def test_nqual_sets_no_order() -> None:
    nqual = spec("st0071-nqual")
    projected = plan(bookings=(booking("project", date(2026, 5, 20)),))
    findings = check_booking(nqual, projected, booking("observation", date(2026, 5, 19)))
    assert not any(f.rule.startswith("order:") for f in findings)


# --- duration, occasions and mode --------------------------------------------------------


@pytest.mark.parametrize("spec_id", ["st0071-highfield", "st0071-epakit"])
@pytest.mark.parametrize(("minutes", "allowed"), [(54, True), (66, True), (53, False), (67, False)])
def test_sixty_minutes_plus_or_minus_ten_percent(spec_id: str, minutes: int, allowed: bool) -> None:
    findings = check_booking(
        spec(spec_id), plan(), booking("discussion", date(2026, 4, 1), minutes=(minutes,))
    )
    assert ("duration:discussion" in refusals(findings)) is not allowed


@pytest.mark.parametrize(("minutes", "allowed"), [(60, True), (66, True), (59, False), (67, False)])
def test_excel_mes_observation_is_an_hour_plus_ten_percent(minutes: int, allowed: bool) -> None:
    findings = check_booking(
        spec("st0072-excelme"), plan(), booking("observation", date(2026, 4, 1), minutes=(minutes,))
    )
    assert ("duration:observation" in refusals(findings)) is not allowed


def test_excel_mes_30_minute_showcase_warns_about_another_length() -> None:
    excelme = spec("st0072-excelme")
    ok = check_booking(excelme, plan(), booking("showcase", date(2026, 4, 1), minutes=(30,)))
    longer = check_booking(excelme, plan(), booking("showcase", date(2026, 4, 1), minutes=(45,)))
    assert "duration:showcase" not in rules(ok)
    finding = next(f for f in longer if f.rule == "duration:showcase")
    assert finding.severity == "warning"
    assert "about 30 minutes" in finding.message


@pytest.mark.parametrize("spec_id", ST0072)
def test_a_discussion_of_at_most_an_hour(spec_id: str) -> None:
    def at(minutes: int) -> list[Finding]:
        return check_booking(
            spec(spec_id), plan(), booking("discussion", date(2026, 4, 1), minutes=(minutes,))
        )

    assert "duration:discussion" not in rules(at(60))
    assert "duration:discussion" not in rules(at(20))
    assert "duration:discussion" in refusals(at(61))


def test_active_iqs_observation_occasions_add_up_to_about_an_hour() -> None:
    activeiq = spec("st0072-activeiq")

    def occasions(*minutes: int) -> list[Finding]:
        return check_booking(
            activeiq, plan(), booking("observation", date(2026, 4, 1), minutes=minutes)
        )

    assert "duration:observation" not in rules(occasions(25, 35))
    assert "duration:observation" not in rules(occasions(20, 20, 20))
    short = occasions(20, 30)
    assert [f.severity for f in short if f.rule == "duration:observation"] == ["warning"]
    assert "2 occasions added up" in next(f.message for f in short)
    assert "occasions:observation" not in rules(short)


def test_highfields_observation_is_one_session() -> None:
    split = check_booking(
        spec("st0071-highfield"), plan(), booking("observation", date(2026, 4, 1), minutes=(30, 30))
    )
    assert "occasions:observation" in refusals(split)


@pytest.mark.parametrize(
    ("spec_id", "method", "mode", "allowed"),
    [
        ("st0071-highfield", "discussion", "remote", False),
        ("st0071-highfield", "discussion", "face_to_face", True),
        ("st0071-highfield", "observation", "remote", True),
        ("st0071-nqual", "observation", "remote", False),
        ("st0071-epakit", "project", "remote", True),
        ("st0072-activeiq", "observation", "recorded", True),
        ("st0072-activeiq", "discussion", "recorded", False),
        ("st0072-excelme", "showcase", "remote", True),
        ("st0072-excelme", "observation", "recorded", False),
    ],
)
def test_the_mode_is_one_the_method_allows(
    spec_id: str, method: str, mode: str, allowed: bool
) -> None:
    findings = check_booking(spec(spec_id), plan(), booking(method, date(2026, 4, 1), mode=mode))
    assert (f"mode:{method}" in refusals(findings)) is not allowed


def test_an_unknown_method_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="has no method 'interview'"):
        check_booking(spec("st0071-nqual"), plan(), booking("interview", date(2026, 4, 1)))


# --- the whole plan and its deadlines ----------------------------------------------------


def test_the_at_risk_check_finds_a_report_overdue_on_the_day_after_it_was_due() -> None:
    highfield = spec("st0071-highfield")
    booked = plan(bookings=(booking("project", date(2026, 6, 1)),))
    assert "report-submission" not in rules(check_plan(highfield, booked, date(2026, 5, 18)))
    assert "report-submission" in refusals(check_plan(highfield, booked, date(2026, 5, 19)))


def test_nqual_results_are_due_ten_working_days_after_the_last_assessment() -> None:
    """From Friday 15 May 2026 the tenth working day, skipping Monday 25 May, is 1 June."""
    nqual = spec("st0071-nqual")
    booked = plan(
        bookings=(
            booking("observation", date(2026, 5, 13)),
            booking("project", date(2026, 5, 14)),
            booking("discussion", date(2026, 5, 15)),
        )
    )
    results = next(d for d in deadlines(nqual, booked) if d.rule == "results")
    assert results.date == date(2026, 6, 1)
    assert results.produced_by == "results: Results communicated"
    assert "results" not in rules(check_plan(nqual, booked, date(2026, 6, 1)))
    assert "results" in refusals(check_plan(nqual, booked, date(2026, 6, 2)))


def test_no_results_date_until_every_method_is_booked() -> None:
    nqual = spec("st0071-nqual")
    booked = plan(bookings=(booking("observation", date(2026, 5, 13)),))
    assert "results" not in {d.rule for d in deadlines(nqual, booked)}


def test_highfields_timeline_dates_each_name_their_rule() -> None:
    highfield = spec("st0071-highfield")
    booked = plan(
        bookings=(
            booking("project", date(2026, 5, 11)),
            booking("discussion", date(2026, 5, 18)),
            booking("observation", date(2026, 5, 25), date(2026, 5, 1)),
        ),
        fail_result=date(2026, 6, 1),
    )
    found = {d.rule: d for d in deadlines(highfield, booked)}
    assert found["epa-window"].date == date(2026, 6, 2)
    assert found["project-start"].date == GATEWAY
    assert found["project-start"].limit == "from"
    assert found["project-completion"].date == date(2026, 5, 2)
    assert found["report-submission"].date == date(2026, 4, 27)
    assert found["portfolio-submission"].date == date(2026, 5, 4)
    assert found["observation-notice"].date == date(2026, 5, 11)
    assert found["observation-notice"].done_on == date(2026, 5, 1)
    assert found["reassessment-time-limit"].date == date(2027, 6, 1)
    assert found["project-rework"].date == date(2026, 7, 1)
    for deadline in found.values():
        assert deadline.produced_by.startswith(f"{deadline.rule}:")
        assert deadline.source is not None
    dates = [d.date for d in deadlines(highfield, booked)]
    assert dates == sorted(dates)


def test_a_specification_without_time_rules_gives_no_dates() -> None:
    assert deadlines(spec("st0072-excelme"), plan()) == []


# --- properties --------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=200)


@settings(max_examples=60, deadline=None)
@given(
    spec_id=st.sampled_from(ST0071),
    booked_after=st.integers(min_value=0, max_value=60),
    lead=st.integers(min_value=0, max_value=60),
    later=st.integers(min_value=1, max_value=60),
)
def test_moving_the_observation_later_never_creates_a_notice_refusal(
    spec_id: str, booked_after: int, lead: int, later: int
) -> None:
    booked_on = GATEWAY + timedelta(days=booked_after)
    on = booked_on + timedelta(days=lead)
    first = check_booking(spec(spec_id), plan(), booking("observation", on, booked_on))
    moved = check_booking(
        spec(spec_id), plan(), booking("observation", on + timedelta(days=later), booked_on)
    )
    if "observation-notice" not in rules(first):
        assert "observation-notice" not in rules(moved)


@settings(max_examples=60, deadline=None)
@given(
    spec_id=st.sampled_from([s.id for s in SPECS]),
    method_index=st.integers(min_value=0, max_value=2),
    offset=days,
    later=st.integers(min_value=1, max_value=60),
)
def test_moving_a_booking_later_never_lifts_a_window_refusal(
    spec_id: str, method_index: int, offset: int, later: int
) -> None:
    method = spec(spec_id).methods[method_index].id
    on = GATEWAY + timedelta(days=offset)
    first = check_booking(spec(spec_id), plan(), booking(method, on))
    moved = check_booking(spec(spec_id), plan(), booking(method, on + timedelta(days=later)))
    if "epa-window" in refusals(first):
        assert "epa-window" in refusals(moved)


@settings(max_examples=80, deadline=None)
@given(
    spec_id=st.sampled_from([s.id for s in SPECS]),
    method_index=st.integers(min_value=0, max_value=2),
    offset=st.integers(min_value=-10, max_value=200),
    notice=st.integers(min_value=0, max_value=30),
    minutes=st.lists(st.integers(min_value=1, max_value=120), max_size=3),
    submitted=st.one_of(st.none(), st.integers(min_value=0, max_value=150)),
)
def test_every_finding_states_the_date_it_names_and_the_rule_that_produced_it(
    spec_id: str,
    method_index: int,
    offset: int,
    notice: int,
    minutes: list[int],
    submitted: int | None,
) -> None:
    specification = spec(spec_id)
    on = GATEWAY + timedelta(days=offset)
    day = None if submitted is None else GATEWAY + timedelta(days=submitted)
    the_plan = plan(portfolio_submitted=day, report_submitted=day, gateway_form_sent=day)
    findings = check_booking(
        specification,
        the_plan,
        booking(
            specification.methods[method_index].id,
            on,
            on - timedelta(days=notice),
            minutes=tuple(minutes),
        ),
    )
    for finding in findings:
        assert finding.message
        assert finding.produced_by
        assert "{" not in finding.message
        if finding.date is not None:
            assert long_date(finding.date) in finding.message
    assert [f.severity for f in findings] == sorted(
        (f.severity for f in findings), key=lambda s: s != "refusal"
    )


@pytest.mark.parametrize(("minutes", "allowed"), [(66, True), (67, False)])
def test_highfields_project_time_is_the_interviews(minutes: int, allowed: bool) -> None:
    findings = check_booking(
        spec("st0071-highfield"),
        plan(report_submitted=date(2026, 3, 20)),
        booking("project", date(2026, 4, 6), minutes=(minutes,)),
    )
    assert ("duration:project" in refusals(findings)) is not allowed
    if not allowed:
        message = next(f.message for f in findings if f.rule == "duration:project")
        assert "interview of the Work-based project" in message
        assert "between 54 minutes and 66 minutes" in message


def test_the_at_risk_check_flags_every_booking_of_the_plan() -> None:
    highfield = spec("st0071-highfield")
    booked = plan(
        bookings=(
            booking("observation", date(2026, 3, 10)),
            booking("discussion", date(2026, 6, 10), minutes=(90,), mode="remote"),
        )
    )
    found = rules(check_plan(highfield, booked, date(2026, 3, 5)))
    assert {"observation-notice", "epa-window", "duration:discussion", "mode:discussion"} <= found


def test_booking_highfields_interview_checks_the_project_finished_within_two_months() -> None:
    highfield = spec("st0071-highfield")
    interview = booking("project", date(2026, 5, 20), booked_on=date(2026, 5, 4))
    in_time = check_booking(
        highfield, plan(project_started=GATEWAY, project_completed=date(2026, 5, 2)), interview
    )
    late = check_booking(
        highfield, plan(project_started=GATEWAY, project_completed=date(2026, 5, 3)), interview
    )
    unfinished = check_booking(highfield, plan(project_started=GATEWAY), interview)
    assert "project-completion" not in rules(in_time)
    assert "project-completion" in refusals(late)
    assert "project-completion" in refusals(unfinished)


def test_booking_highfields_interview_checks_the_project_started_after_gateway() -> None:
    highfield = spec("st0071-highfield")
    interview = booking("project", date(2026, 4, 20), booked_on=date(2026, 3, 20))
    early = check_booking(highfield, plan(project_started=date(2026, 3, 1)), interview)
    assert "project-start" in refusals(early)
    assert "project-start" not in rules(
        check_booking(highfield, plan(project_started=GATEWAY), interview)
    )
