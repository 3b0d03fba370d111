"""Releasing results: the engine's grade, once, when every method is graded and cleared."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.accounts.models import EpaoPolicy
from openepa.assessment.models import AssessmentRecord
from openepa.audit.models import AuditEvent
from openepa.claims.models import CertificateClaim
from openepa.kernel import clock
from openepa.registration.models import Registration
from openepa.results import iqa, release
from openepa.results.models import Result
from openepa.rules.results import NO_DEADLINE
from tests.epa import accept, policy_without_sampling, record_method
from tests.results.conftest import criterion_of

HIGHFIELD = ("project", "discussion", "observation")


def _release(registration: Registration, user, grade: str) -> Result:
    sitting = registration.sittings.get()
    return release.release_result(
        registration.pk, user, sitting_pk=sitting.pk, expected_grade=grade
    )


def test_highfield_all_distinction_is_released_as_a_distinction(
    make_registration, anna, ivy, alice, epao, draw
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    for method in HIGHFIELD:
        record_method(registration, method, anna)
    result = _release(registration, alice, "distinction")
    assert (result.grade, result.label) == ("distinction", "Distinction")
    assert result.last_assessment_on == date(2026, 9, 15)
    assert (result.due_on, result.due_rule) == (None, NO_DEADLINE)
    assert result.released_by == alice
    assert result.achievement_date == result.released_at.date()
    assert [m["id"] for m in result.methods] == ["project", "discussion", "observation"]
    assert result.methods[0] == {
        "id": "project",
        "name": result.methods[0]["name"],
        "grade": "distinction",
        "label": "Distinction",
        "attempt": "first",
        "sitting": 1,
        "capped": False,
        "reason": result.methods[0]["reason"],
    }
    registration.refresh_from_db()
    assert registration.status == Registration.Status.COMPLETED
    assert CertificateClaim.objects.filter(result_id=result.pk).exists()
    assert AuditEvent.objects.filter(action="results.released", actor=alice).exists()


def test_nqual_grade_comes_from_the_overall_table_and_has_a_results_deadline(
    make_registration, anna, ivy, alice, epao, draw, monkeypatch
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-nqual"), anna, ivy)
    record_method(registration, "observation", anna, assessed_on=date(2026, 8, 21))
    record_method(registration, "project", anna, assessed_on=date(2026, 8, 20))
    record_method(registration, "discussion", anna, distinctions=0, assessed_on=date(2026, 8, 21))
    # Distinction, distinction and pass: NQual's table gives a pass.
    result = _release(registration, alice, "pass")
    assert (result.grade, result.label) == ("pass", "Pass")
    assert result.last_assessment_on == date(2026, 8, 21)
    # Ten working days, skipping the bank holiday of Monday 31 August 2026.
    assert result.due_on == date(2026, 9, 7)
    assert "at most 10 working days after the last assessment" in result.due_rule


def test_a_result_is_not_released_while_a_method_is_missing(
    make_registration, anna, ivy, alice, epao, draw
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    record_method(registration, "project", anna)
    record_method(registration, "discussion", anna, submit=False)
    with pytest.raises(release.ReleaseRefused) as refused:
        _release(registration, alice, "distinction")
    assert refused.value.message == "The result cannot be released yet."
    assert len(refused.value.problems) == 2
    assert all("has not been assessed and submitted yet" in p for p in refused.value.problems)
    assert not Result.objects.exists()


def test_a_result_is_not_released_while_a_decision_is_held_then_is_after_the_iqa(
    make_registration, anna, ivy, alice, epao, draw
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    record_method(registration, "project", anna)
    record_method(registration, "discussion", anna)
    draw(0.0)
    EpaoPolicy.objects.filter(epao=epao).update(sample_percent_of_rest=100)
    held = record_method(registration, "observation", anna)
    assert held.iqa_status == AssessmentRecord.Iqa.HELD
    with pytest.raises(release.ReleaseRefused) as refused:
        _release(registration, alice, "distinction")
    assert [p for p in refused.value.problems if p.endswith("decision is held for IQA.")]
    distinction = criterion_of(registration, "observation", "distinction")
    iqa.amend(held.pk, ivy, held.revision, {("", distinction): ("not_met", "")}, "Not evidenced")
    # The page showed a distinction before the IQA's amendment: refused, nothing released.
    with pytest.raises(release.ReleaseRefused) as refused:
        _release(registration, alice, "distinction")
    assert refused.value.message.startswith("The grade changed since you loaded the page")
    result = _release(registration, alice, "pass")
    assert result.grade == "pass"


def test_a_result_is_released_only_once(make_registration, anna, ivy, alice, epao, draw):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    for method in HIGHFIELD:
        record_method(registration, method, anna)
    _release(registration, alice, "distinction")
    with pytest.raises(release.ReleaseRefused) as refused:
        _release(registration, alice, "distinction")
    assert refused.value.message.startswith(
        "The result of this sitting was already released by Alice Admin on "
    )
    assert Result.objects.count() == 1


def test_a_fail_is_released_without_completing_the_registration_or_a_claim(
    make_registration, anna, ivy, alice, epao, draw
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    failing = criterion_of(registration, "project", "pass")
    record_method(registration, "project", anna, not_met=[failing])
    record_method(registration, "discussion", anna)
    record_method(registration, "observation", anna)
    result = _release(registration, alice, "fail")
    assert result.grade == "fail"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.GATEWAY_ACCEPTED
    assert not CertificateClaim.objects.exists()


def test_the_deadline_is_due_then_breached(make_registration, anna, ivy, epao, draw, monkeypatch):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-nqual"), anna, ivy)
    record_method(registration, "observation", anna, assessed_on=date(2026, 8, 21))
    sitting = registration.sittings.get()
    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 7))
    state = release.result_state(registration, with_engine=True)
    assert state.deadline is not None
    assert (state.deadline.words, state.deadline.breached) == ("due on 7 September 2026", False)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 8))
    state = release.result_state(registration, with_engine=True)
    assert state.deadline is not None
    assert state.deadline.words == "breached: due on 7 September 2026"
    assert state.sitting == sitting
