"""The specifications hold every criterion their source assigns, counted independently."""

from __future__ import annotations

import pytest

from openepa.rules.loader import load_catalogue
from openepa.rules.model import Criterion, Method

CATALOGUE = load_catalogue()

# (pass, distinction) per method, counted from the seed documents by hand.
COUNTS = {
    "st0072-excelme": {"showcase": (30, 10), "observation": (20, 5), "discussion": (6, 4)},
    "st0071-nqual": {"observation": (19, 2), "project": (16, 9), "discussion": (12, 3)},
    "st0072-activeiq": {"observation": (28, 5), "showcase": (53, 10), "discussion": (16, 4)},
    "st0071-highfield": {"project": (16, 9), "discussion": (12, 3), "observation": (20, 2)},
    "st0071-epakit": {"project": (16, 9), "discussion": (11, 3), "observation": (21, 2)},
}

ACTIVEIQ_ELEMENTS = {
    "worksheet": (11, 3),
    "presentation": (19, 1),
    "development-plan": (9, 1),
    "conflict-case-study": (6, 1),
    "influencing-case-study": (3, 1),
    "manager-testimony": (5, 3),
}


def _count(criteria: list[Criterion]) -> tuple[int, int]:
    kinds = [c.kind for c in criteria]
    return kinds.count("pass"), kinds.count("distinction")


def _method(spec_id: str, method_id: str) -> Method:
    spec = CATALOGUE.specification(spec_id)
    return next(m for m in spec.methods if m.id == method_id)


@pytest.mark.parametrize(
    ("spec_id", "method_id", "expected"),
    [(s, m, c) for s, methods in COUNTS.items() for m, c in methods.items()],
)
def test_method_has_every_criterion_of_its_source(
    spec_id: str, method_id: str, expected: tuple[int, int]
) -> None:
    assert _count(list(_method(spec_id, method_id).criteria)) == expected


def test_each_specification_has_exactly_its_methods() -> None:
    for spec_id, methods in COUNTS.items():
        spec = CATALOGUE.specification(spec_id)
        assert [m.id for m in spec.methods] == list(methods), spec_id


@pytest.mark.parametrize(("element", "expected"), ACTIVEIQ_ELEMENTS.items())
def test_activeiq_showcase_element_has_every_criterion(
    element: str, expected: tuple[int, int]
) -> None:
    showcase = _method("st0072-activeiq", "showcase")
    assert _count([c for c in showcase.criteria if c.element == element]) == expected


def test_activeiq_labels_a_fail_refer() -> None:
    assert CATALOGUE.specification("st0072-activeiq").grade_labels.fail == "Refer"


def test_activeiq_discussion_distinction_questions_are_9_10_17_19() -> None:
    spec = CATALOGUE.specification("st0072-activeiq")
    bank = next(b for b in spec.question_banks if b.method == "discussion")
    assert len(bank.questions) == 20
    assert [q.number for q in bank.questions if q.kind == "distinction"] == [9, 10, 17, 19]


def test_highfield_keeps_k2_4_missing_from_its_later_table() -> None:
    discussion = _method("st0071-highfield", "discussion")
    assert "K2.4" in {c.id for c in discussion.criteria}
    notes = CATALOGUE.specification("st0071-highfield").notes
    assert any("K2.4" in note.text for note in notes)


def test_epakit_numbers_business_focused_delivery_its_own_way() -> None:
    observation = {c.id: c.kind for c in _method("st0071-epakit", "observation").criteria}
    project = {c.id: c.kind for c in _method("st0071-epakit", "project").criteria}
    assert {k: observation[k] for k in ("S1.1", "S1.2", "S1.3")} == {
        "S1.1": "pass",
        "S1.2": "pass",
        "S1.3": "distinction",
    }
    assert {k: project[k] for k in ("S1.4", "S1.5")} == {"S1.4": "pass", "S1.5": "distinction"}


def test_st0071_standard_records_that_s8_is_missing() -> None:
    standard = CATALOGUE.standards[("ST0071", "1.2")]
    ids = {ksb.id for ksb in standard.ksbs}
    assert len(ids) == 47
    assert "S8" not in ids
    assert any("S8" in note.text for note in standard.notes)


def test_every_specification_records_its_sources_inconsistencies() -> None:
    for spec in CATALOGUE.specifications.values():
        assert spec.notes, spec.id
