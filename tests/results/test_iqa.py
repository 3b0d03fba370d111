"""Internal quality assurance: sampling on submission, upholding and amending decisions."""

from __future__ import annotations

import pytest

from openepa.accounts.models import EpaoPolicy
from openepa.assessment.changes import history_of
from openepa.assessment.grading import sitting_ready_for_release
from openepa.assessment.models import AssessmentRecord, RecordChange
from openepa.assessment.refusals import RecordRefused
from openepa.audit.models import AuditEvent
from openepa.results import iqa
from tests.epa import accept, policy_without_sampling, record_method
from tests.results.conftest import criterion_of

HELD = AssessmentRecord.Iqa.HELD


def test_every_decision_among_an_assessors_first_five_is_held(make_registration, anna, ivy, draw):
    first = accept(make_registration("st0071-highfield"), anna, ivy)
    second = accept(make_registration("st0071-highfield"), anna, ivy)
    records = [record_method(first, m, anna) for m in ("project", "discussion", "observation")]
    records += [record_method(second, m, anna, distinctions=0) for m in ("project", "discussion")]
    sixth = record_method(second, "observation", anna, distinctions=0)
    assert [r.iqa_status for r in records] == [HELD] * 5
    assert records[0].sample_reason == (
        "decision 1 of the assessor's first 5: every one is sampled"
    )
    assert sixth.grade == "pass"
    assert sixth.iqa_status == AssessmentRecord.Iqa.NOT_SAMPLED
    assert sixth.sample_draw == 0.99
    assert "not sampled: 10% of other decisions" in sixth.sample_reason


def test_a_fail_is_held_and_a_random_share_uses_the_recorded_draw(
    make_registration, anna, ivy, epao, draw
):
    policy = policy_without_sampling(epao)
    policy.sample_all_fails = True
    policy.sample_percent_of_rest = 10
    policy.save()
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    failed = record_method(
        registration, "project", anna, not_met=[criterion_of(registration, "project", "pass")]
    )
    assert (failed.grade, failed.iqa_status) == ("fail", HELD)
    assert failed.sample_reason == "every fail is sampled"
    draw(0.05)
    chosen = record_method(registration, "discussion", anna, distinctions=0)
    assert chosen.iqa_status == HELD
    assert chosen.sample_draw == 0.05
    assert chosen.sample_reason == (
        "chosen at random: 10% of other decisions are sampled (drawn 0.0500)"
    )
    draw(0.10)
    passed = record_method(registration, "observation", anna, distinctions=0)
    assert passed.iqa_status == AssessmentRecord.Iqa.NOT_SAMPLED
    assert passed.sample_draw == 0.10


@pytest.fixture
def held(make_registration, anna, ivy, epao, draw):
    """Pat's Highfield project decision held for Ivy (the only one sampled)."""
    policy_without_sampling(epao)
    EpaoPolicy.objects.filter(epao=epao).update(sample_all_distinctions=True)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    record = record_method(registration, "project", anna)
    assert record.iqa_status == HELD
    return record


def test_the_iqa_upholds_a_decision_and_it_is_cleared(held, ivy, anna):
    registration = held.registration
    record_method(registration, "discussion", anna, distinctions=0)
    record_method(registration, "observation", anna, distinctions=0)
    sitting = held.sitting
    [problem] = sitting_ready_for_release(registration, sitting)
    assert problem.endswith("decision is held for IQA.")
    upheld = iqa.uphold(held.pk, ivy, held.revision, "Judgements match the evidence.")
    assert upheld.iqa_status == AssessmentRecord.Iqa.UPHELD
    assert (upheld.iqa_decided_by, upheld.iqa_reason) == (ivy, "Judgements match the evidence.")
    assert upheld.iqa_decided_at is not None
    assert sitting_ready_for_release(registration, sitting) == []
    change = history_of(upheld)[-1]
    assert (change.field, change.old, change.new, change.stage) == (
        "iqa_status",
        "held",
        "upheld",
        "iqa",
    )
    event = AuditEvent.objects.get(action="iqa.upheld")
    assert event.actor == ivy
    assert event.changes == {"iqa_status": {"old": "held", "new": "upheld"}}


def test_the_iqa_amends_a_decision_and_the_change_and_reason_show_in_the_history(held, ivy):
    assert held.grade == "distinction"
    distinction = _a_distinction_criterion(held)
    reason = "The evidence for this criterion is the colleague's work, not the apprentice's."
    amended = iqa.amend(held.pk, ivy, held.revision, {("", distinction): ("not_met", "")}, reason)
    assert amended.iqa_status == AssessmentRecord.Iqa.AMENDED
    assert amended.grade == "pass"
    assert (amended.iqa_decided_by, amended.iqa_reason) == (ivy, reason)
    history = [(c.field, c.old, c.new, c.stage, c.reason) for c in history_of(amended)]
    judgement = (f"judgement::{distinction}", ["met", "", []], ["not_met", "", []], "iqa", reason)
    assert judgement in history
    assert ("grade", "distinction", "pass", "iqa", reason) in history
    assert ("iqa_status", "held", "amended", "iqa", reason) in history
    event = AuditEvent.objects.get(action="iqa.amended")
    assert event.reason == reason
    assert event.changes["grade"] == {"old": "distinction", "new": "pass"}


def _a_distinction_criterion(record: AssessmentRecord) -> str:
    return criterion_of(record.registration, record.method_id, "distinction")


def test_an_amendment_needs_a_reason(held, ivy):
    with pytest.raises(RecordRefused) as refused:
        iqa.amend(
            held.pk,
            ivy,
            held.revision,
            {("", _a_distinction_criterion(held)): ("not_met", "")},
            " ",
        )
    assert refused.value.message.startswith("Give the reason for the amendment")
    held.refresh_from_db()
    assert held.iqa_status == HELD


def test_the_assessor_cannot_act_as_iqa_on_their_own_decision(held, anna):
    registration = held.registration
    registration.iqa = anna
    registration.save()
    with pytest.raises(RecordRefused) as refused:
        iqa.uphold(held.pk, anna, held.revision)
    assert refused.value.message.startswith(
        "You made this assessment decision, so you cannot quality assure it"
    )
    held.refresh_from_db()
    assert held.iqa_status == HELD
    assert not RecordChange.objects.filter(record=held, stage="iqa").exists()


def test_only_the_registrations_iqa_may_decide(held, epao):
    from openepa.accounts.models import User

    other = User.objects.create_user(
        "ian@epao.example", "x", full_name="Ian Other", role=User.Role.IQA, epao=epao
    )
    with pytest.raises(RecordRefused) as refused:
        iqa.uphold(held.pk, other, held.revision)
    assert refused.value.message == (
        "Only the IQA allocated to this apprentice can review this decision (Ivy Quality)."
    )


def test_a_decision_already_taken_is_refused_with_who_and_when(held, ivy):
    iqa.uphold(held.pk, ivy, held.revision)
    with pytest.raises(RecordRefused) as refused:
        iqa.amend(
            held.pk,
            ivy,
            held.revision,
            {("", _a_distinction_criterion(held)): ("not_met", "")},
            "Second thoughts",
        )
    assert refused.value.message.startswith("This decision was already upheld by Ivy Quality on ")
    held.refresh_from_db()
    assert held.grade == "distinction"


def test_a_stale_page_is_refused(held, ivy):
    with pytest.raises(RecordRefused) as refused:
        iqa.uphold(held.pk, ivy, held.revision - 1)
    assert refused.value.message.startswith("The record changed since you opened it")
