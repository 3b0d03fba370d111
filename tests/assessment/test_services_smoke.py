from __future__ import annotations

from openepa.assessment.services import grade_sitting, sitting_ready_for_release
from tests.epa import accept, policy_without_sampling, record_method


def test_a_highfield_epa_recorded_through_the_services_gets_the_engines_grade(
    make_registration, anna, ivy, epao
):
    policy_without_sampling(epao)
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    for method in ("project", "discussion", "observation"):
        try:
            record = record_method(registration, method, anna)
        except Exception as e:
            raise AssertionError(getattr(e, "problems", e))
        assert record.grade == "distinction", record.grade_reason
    sitting = registration.sittings.get()
    assert sitting_ready_for_release(registration, sitting) == []
    assert grade_sitting(registration, sitting).overall.grade == "distinction"
