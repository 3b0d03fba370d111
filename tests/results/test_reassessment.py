"""Resits and retakes: recorded by the EPAO after a released fail, within the rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from openepa.assessment.grading import grade_sitting
from openepa.assessment.models import Sitting
from openepa.assessment.records import open_record
from openepa.assessment.refusals import RecordRefused
from openepa.audit.models import AuditEvent
from openepa.gateway.components import create_components
from openepa.gateway.models import GatewayComponent
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.results import reassessment
from openepa.results.reassessment import (
    Agreement,
    ReassessmentRefused,
    reassessment_state,
    record_reassessment,
)
from tests.epa import accept, policy_without_sampling, record_method
from tests.results.test_reassessment_support import assess, failed_highfield, release

RELEASED = date(2026, 1, 10)


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the day the services see."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    set_day(date(2026, 2, 1))
    return set_day


def agreed(kind: str = "resit", **overrides: Any) -> Agreement:
    values: dict[str, Any] = {
        "kind": kind,
        "employer_agreed": True,
        "employer_contact": "Erin Employer",
        "employer_agreed_on": date(2026, 1, 20),
        "attempts_agreed": 2,
        "further_learning": "Six weeks of coaching on customer service."
        if kind == "retake"
        else "",
    }
    values.update(overrides)
    return Agreement(**values)


def test_a_resit_takes_only_the_failed_methods_and_carries_the_passed_ones(
    make_registration, anna, alice, on
):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    sitting = record_reassessment(registration, alice, agreed(), based_on=1)
    assert (sitting.number, sitting.kind, sitting.methods) == (2, "resit", ["observation"])
    assert (sitting.employer_contact, sitting.attempts_agreed) == ("Erin Employer", 2)
    with pytest.raises(RecordRefused, match="carries forward"):
        open_record(registration, "project", anna)
    record_method(registration, "observation", anna)
    graded = grade_sitting(registration, sitting)
    assert {m.id: (m.grade, m.attempt) for m in graded.methods} == {
        "project": ("distinction", "first"),
        "discussion": ("distinction", "first"),
        "observation": ("pass", "resit"),
    }
    assert AuditEvent.objects.filter(action="reassessment.resit").exists()


def test_a_highfield_resit_with_exceptional_circumstances_is_not_capped(
    make_registration, anna, alice, on
):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    sitting = record_reassessment(
        registration,
        alice,
        agreed(exceptional_circumstances=True, exceptional_reason="Bereavement on the day"),
        based_on=1,
    )
    assert sitting.exceptional_circumstances
    record_method(registration, "observation", anna)
    graded = grade_sitting(registration, sitting)
    assert graded.overall.grade == "distinction"
    assert not graded.overall.capped


def test_a_highfield_resit_without_exceptional_circumstances_is_capped_at_pass(
    make_registration, anna, alice, on
):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    sitting = record_reassessment(registration, alice, agreed(), based_on=1)
    record_method(registration, "observation", anna)
    graded = grade_sitting(registration, sitting)
    assert (graded.overall.grade, graded.overall.capped) == ("pass", True)


def test_exceptional_circumstances_need_a_reason(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(registration, alice, agreed(exceptional_circumstances=True), based_on=1)
    assert refused.value.problems["exceptional_circumstances"] == (
        "Describe the exceptional circumstances that accounted for the original fail."
    )


def test_exceptional_circumstances_are_refused_where_they_cannot_lift_the_cap(
    make_registration, anna, alice, on
):
    registration = accept(make_registration("st0071-epakit"), anna)
    policy_without_sampling(registration.epao)
    spec_methods = [m.id for m in _methods(registration)]
    assess(registration, anna, spec_methods, failing=spec_methods[:1])
    release(registration, alice, RELEASED)
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(
            registration,
            alice,
            agreed(exceptional_circumstances=True, exceptional_reason="Illness"),
            based_on=1,
        )
    message = refused.value.problems["exceptional_circumstances"]
    assert message.startswith("Exceptional circumstances cannot be recorded: at Unnamed EPAO")
    assert "a maximum EPA grade of Pass" in message
    assert not registration.sittings.filter(number=2).exists()


def _methods(registration: Registration) -> list[Any]:
    from openepa.specifications.services import rules_for

    spec, _ = rules_for(registration.specification)
    return spec.methods


def test_a_resit_after_a_pass_is_refused_with_the_specifications_words(
    make_registration, anna, alice, on
):
    registration = accept(
        make_registration("st0071-highfield", given_names="Sam", family_name="Pass"), anna
    )
    policy_without_sampling(registration.epao)
    assess(registration, anna, ("project", "discussion", "observation"))
    release(registration, alice, RELEASED)
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(registration, alice, agreed(), based_on=1)
    assert refused.value.message == (
        "A resit is refused: Sam Pass passed with Distinction on 10 January 2026; Highfield "
        "Assessment does not offer resits or retakes to improve a pass (An apprentice "
        "cannot retake/re-sit any part of the EPA to increase their grade from a pass to a "
        "distinction.)"
    )


def test_highfield_resit_on_the_last_day_of_the_12_months_is_allowed(
    make_registration, anna, alice, on
):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    on(date(2027, 1, 10))
    state = reassessment_state(registration)
    assert state.deadline is not None
    assert state.deadline.ends_on == date(2027, 1, 10)
    sitting = record_reassessment(
        registration, alice, agreed(employer_agreed_on=date(2027, 1, 9)), based_on=1
    )
    assert sitting.methods == ["observation"]


def test_highfield_resit_past_the_12_months_is_refused_and_the_whole_epa_is_taken_again(
    make_registration, anna, alice, on
):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    on(date(2027, 1, 11))
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(registration, alice, agreed(), based_on=1)
    assert refused.value.message.startswith(
        "A resit is refused: 11 January 2027 is past the 12 months limit (ended on "
        "10 January 2027): the whole EPA must be taken again"
    )
    sitting = record_reassessment(registration, alice, agreed(whole_epa=True), based_on=1)
    assert sitting.whole_epa
    assert sitting.methods == ["project", "discussion", "observation"]


def test_the_whole_epa_is_not_taken_again_within_the_limit(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    with pytest.raises(ReassessmentRefused, match="only the failed methods are taken again"):
        record_reassessment(registration, alice, agreed(whole_epa=True), based_on=1)


def test_a_resit_needs_the_employers_agreement(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(
            registration,
            alice,
            agreed(employer_agreed=False, employer_contact=" ", employer_agreed_on=None),
            based_on=1,
        )
    assert refused.value.problems == {
        "employer_agreed": (
            "A resit or retake needs the employer's agreement: confirm that the employer agreed."
        ),
        "employer_contact": "Enter the name of the employer's contact who agreed.",
        "employer_agreed_on": "Enter the date the employer agreed.",
    }
    assert registration.sittings.count() == 1


def test_a_retake_needs_further_learning(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(registration, alice, agreed("retake", further_learning=""), based_on=1)
    assert refused.value.problems["further_learning"].startswith("A retake needs further learning")


def test_attempts_beyond_the_employers_decision_are_refused(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    record_reassessment(registration, alice, agreed(attempts_agreed=1), based_on=1)
    assess(registration, anna, ("observation",), failing=("observation",))
    release(registration, alice, date(2026, 3, 2))
    on(date(2026, 3, 10))
    second = agreed(attempts_agreed=1, employer_agreed_on=date(2026, 3, 9))
    with pytest.raises(ReassessmentRefused) as refused:
        record_reassessment(registration, alice, second, based_on=2)
    assert refused.value.problems["attempts_agreed"] == (
        "This would be attempt 2 after the first, but the employer agreed to 1: enter the "
        "number of attempts the employer now agrees to."
    )
    third = record_reassessment(
        registration,
        alice,
        agreed(attempts_agreed=2, employer_agreed_on=date(2026, 3, 9)),
        based_on=2,
    )
    assert (third.number, third.methods) == (3, ["observation"])
    # The 12 months still run from the first fail, not the second.
    assert reassessment_state(registration).deadline.ends_on == date(2027, 1, 10)


def test_a_highfield_retake_returns_to_the_gateway(make_registration, anna, alice, on, client):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    components = create_components(registration)
    GatewayComponent.objects.filter(registration=registration).update(status="accepted")
    record_reassessment(registration, alice, agreed("retake"), based_on=1)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.GATEWAY
    statuses = dict(
        GatewayComponent.objects.filter(registration=registration).values_list(
            "requirement_id", "status"
        )
    )
    assert statuses["english"] == statuses["maths"] == "accepted"
    assert statuses["project-proposal"] == "accepted"
    for requirement in ("portfolio", "gateway-readiness-report", "gateway-declaration"):
        assert statuses[requirement] == "in_progress", requirement
    assert len(components) == len(statuses)
    assert AuditEvent.objects.filter(action="gateway.reopened").count() == 4
    with pytest.raises(RecordRefused, match="back at the gateway for a retake"):
        open_record(registration, "observation", anna)
    assert reassessment.gateway_note(registration).startswith(
        f"{registration.apprentice.full_name} is retaking the EPA after further learning"
    )
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("gateway:overview", args=[registration.pk]))
    assert "is retaking the EPA after further learning" in page.content.decode()


def test_a_resit_does_not_return_to_the_gateway(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    record_reassessment(registration, alice, agreed("resit"), based_on=1)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.GATEWAY_ACCEPTED


def test_a_second_admin_recording_at_the_same_time_is_refused(make_registration, anna, alice, on):
    registration, _ = failed_highfield(make_registration, anna, alice, released=RELEASED)
    record_reassessment(registration, alice, agreed(), based_on=1)
    with pytest.raises(ReassessmentRefused, match="Alice Admin recorded a resit \\(sitting 2\\)"):
        record_reassessment(registration, alice, agreed("retake"), based_on=1)
    assert Sitting.objects.filter(registration=registration).count() == 2


def test_nothing_can_be_recorded_before_a_result_is_released(make_registration, anna, alice, on):
    registration = accept(make_registration("st0071-highfield"), anna)
    policy_without_sampling(registration.epao)
    assess(registration, anna, ("project",))
    with pytest.raises(ReassessmentRefused, match="has not been released yet"):
        record_reassessment(registration, alice, agreed(), based_on=1)


def test_nqual_counts_the_limit_from_the_first_assessment(make_registration, anna, alice, on):
    registration = accept(make_registration("st0071-nqual"), anna)
    policy_without_sampling(registration.epao)
    methods = [m.id for m in _methods(registration)]
    assess(registration, anna, methods, failing=methods[:1])
    release(registration, alice, RELEASED)
    state = reassessment_state(registration)
    assert state.deadline is not None
    assert state.deadline.after == "first_assessment"
    assert state.deadline.ends_on == date(2027, 9, 15)
    assert state.attempts_source is not None
    assert state.attempts_source.party == "employer"
