"""The grade of a sitting comes from the engine, fed with the assessor's records."""

from __future__ import annotations

from typing import Any

import pytest
from tests.epa import accept, policy_without_sampling, record_method

from openepa.assessment.grading import (
    exempt_criteria,
    grade_sitting,
    live_method_result,
    sitting_ready_for_release,
)
from openepa.assessment.models import Sitting
from openepa.assessment.records import Edit, open_record, save_draft
from openepa.assessment.refusals import RecordRefused
from openepa.assessment.submission import amend_record, submit_record
from openepa.rules.recording import method_of
from openepa.specifications.services import rules_for


@pytest.fixture(autouse=True)
def _no_sampling(epao: Any) -> None:
    policy_without_sampling(epao)


def test_a_question_raised_leaves_the_criterion_unjudged(make_registration, anna):
    registration = accept(make_registration("st0071-highfield"), anna)
    record = record_method(registration, "observation", anna, submit=False)
    spec, _ = rules_for(registration.specification)
    first = method_of(spec, "observation").criteria[0].id
    save_draft(
        record.pk,
        anna,
        {},
        {("", first): Edit(("met", "", ()), ("question", "Which policy did you follow?", ()))},
    )
    result = live_method_result(record)
    assert result.grade == "incomplete"
    assert first in result.tally.missing


def test_submitting_is_refused_with_every_problem(make_registration, anna):
    registration = accept(make_registration("st0071-highfield"), anna)
    record = open_record(registration, "observation", anna)
    with pytest.raises(RecordRefused) as refused:
        submit_record(record.pk, anna, record.revision)
    problems = " ".join(refused.value.problems)
    assert "Enter the date of assessment" in problems
    assert "question and answer" in problems
    assert "not yet judged" in problems
    assert "feedback" in problems


def test_the_gateway_must_be_accepted_before_a_record_is_started(make_registration, anna):
    registration = make_registration("st0071-highfield", assessor=anna)
    with pytest.raises(RecordRefused, match="gateway is not accepted"):
        open_record(registration, "observation", anna)


def test_only_the_allocated_assessor_records(make_registration, anna, ivy):
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    with pytest.raises(RecordRefused, match="Only the assessor allocated"):
        open_record(registration, "observation", ivy)


def test_a_submitted_record_is_locked(make_registration, anna):
    registration = accept(make_registration("st0071-highfield"), anna)
    record = record_method(registration, "observation", anna)
    with pytest.raises(RecordRefused, match="is locked"):
        save_draft(record.pk, anna, {"feedback": Edit(record.feedback, "Changed")}, {})


def test_active_iq_observation_checklist_exempts_the_case_study(make_registration, anna):
    registration = accept(make_registration("st0072-activeiq"), anna)
    spec, _ = rules_for(registration.specification)
    showcase = method_of(spec, "showcase")
    conflict = [c for c in showcase.criteria if c.element == "conflict-case-study"]
    record = record_method(registration, "observation", anna, submit=False)
    save_draft(
        record.pk,
        anna,
        {},
        {("conflict-and-challenge", c.id): Edit(None, ("met", "", ())) for c in conflict},
    )
    submit_record(record.pk, anna, record.__class__.objects.get(pk=record.pk).revision)
    showcase_record = open_record(registration, "showcase", anna)
    assert exempt_criteria(showcase_record) == {c.id for c in conflict}
    showcase_record = record_method(registration, "showcase", anna, skip=[c.id for c in conflict])
    result = grade_sitting(registration, showcase_record.sitting)
    element = next(
        e
        for m in result.methods
        if m.id == "showcase"
        for e in m.elements
        if e.id == "conflict-case-study"
    )
    assert element.exempt
    assert element.grade != "incomplete"


def test_a_resit_takes_only_failed_methods_and_is_capped_at_pass(make_registration, anna, alice):
    registration = accept(make_registration("st0071-highfield"), anna)
    spec, _ = rules_for(registration.specification)
    failing = method_of(spec, "observation").criteria[0].id
    record_method(registration, "project", anna)
    record_method(registration, "discussion", anna)
    record_method(registration, "observation", anna, not_met=[failing])
    first = registration.sittings.get()
    assert grade_sitting(registration, first).overall.grade == "fail"
    resit = Sitting.objects.create(
        registration=registration, number=2, kind="resit", methods=["observation"]
    )
    with pytest.raises(RecordRefused, match="carries forward"):
        open_record(registration, "project", anna)
    record_method(registration, "observation", anna)
    result = grade_sitting(registration, resit)
    grades = {m.id: (m.grade, m.attempt) for m in result.methods}
    assert grades == {
        "project": ("distinction", "first"),
        "discussion": ("distinction", "first"),
        "observation": ("pass", "resit"),
    }
    assert result.overall.grade == "pass"
    assert result.overall.capped
    assert sitting_ready_for_release(registration, resit) == []


def test_amending_a_record_regrades_it_and_keeps_the_reason(make_registration, anna, ivy):
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    record = record_method(registration, "observation", anna)
    assert record.grade == "distinction"
    spec, _ = rules_for(registration.specification)
    distinction = next(
        c.id for c in method_of(spec, "observation").criteria if c.kind == "distinction"
    )
    with pytest.raises(RecordRefused, match="reason"):
        amend_record(record.pk, ivy, {("", distinction): ("not_met", "")}, " ", "iqa")
    amended = amend_record(
        record.pk, ivy, {("", distinction): ("not_met", "")}, "No evidence of B1.2", "iqa"
    )
    assert amended.grade == "pass"
    fields = list(amended.changes.filter(stage="iqa").values_list("field", "reason"))
    assert (f"judgement::{distinction}", "No evidence of B1.2") in fields
    assert ("grade", "No evidence of B1.2") in fields


def test_a_highfield_epa_recorded_through_the_services_gets_the_engines_grade(
    make_registration, anna, ivy
):
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    for method in ("project", "discussion", "observation"):
        record = record_method(registration, method, anna)
        assert record.grade == "distinction", record.grade_reason
    sitting = registration.sittings.get()
    assert sitting_ready_for_release(registration, sitting) == []
    assert grade_sitting(registration, sitting).overall.grade == "distinction"


def test_an_element_judged_before_its_checklist_was_completed_takes_the_checklist(
    make_registration, anna
):
    registration = accept(make_registration("st0072-activeiq"), anna)
    spec, _ = rules_for(registration.specification)
    conflict = [
        c for c in method_of(spec, "showcase").criteria if c.element == "conflict-case-study"
    ]
    record_method(registration, "showcase", anna, submit=False)
    observation = record_method(registration, "observation", anna, submit=False)
    save_draft(
        observation.pk,
        anna,
        {},
        {("conflict-and-challenge", c.id): Edit(None, ("met", "", ())) for c in conflict},
    )
    result = grade_sitting(registration, observation.sitting, include_drafts=True)
    element = next(
        e
        for m in result.methods
        if m.id == "showcase"
        for e in m.elements
        if e.id == "conflict-case-study"
    )
    assert element.exempt
