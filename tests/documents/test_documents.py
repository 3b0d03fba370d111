"""Each document renders for each of the five specifications, and says what it should.

The tests read the PDF's text (pypdf) and look for the apprentice, the EPAO, the standard,
the grades and the criteria. WeasyPrint is slow, so each document is rendered once per
specification.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest

from openepa.documents.services import render_document, results_letter
from openepa.results.appeals import appeal_ends_on
from openepa.results.reassessment import reassessment_state
from openepa.specifications.services import rules_for
from tests.documents.conftest import SPEC_IDS, pdf_text, squash


def _about(text: str, registration: Any, spec: Any) -> None:
    """The header every document carries."""
    apprentice = registration.apprentice
    assert apprentice.full_name in text
    assert apprentice.uln in text
    assert "Demo EPAO" in text
    assert f"{spec.standard} " in text
    assert f"Version {registration.version}" in text
    assert f"({spec.id})" in text
    assert "Generated on" in text


def _day(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


@pytest.mark.parametrize("spec_id", SPEC_IDS)
def test_each_document_of_an_achieved_result(spec_id: str, assessed: Callable[..., Any]) -> None:
    registration, result = assessed(spec_id)
    spec, _ = rules_for(registration.specification)
    labels = {m["id"]: m["label"] for m in result.methods}
    texts = {
        name: pdf_text(render_document(name, registration))
        for name in ("plan-and-record", "grading-sheet", "gateway-report", "portfolio-matrix")
    }
    # The showcase (with its elements) where there is one: the richest checklist.
    method = next((m for m in spec.methods if m.elements), spec.methods[0])
    texts["method-record"] = pdf_text(
        render_document("method-record", registration, method=method.id)
    )
    letter = results_letter(result)
    texts["results-letter"] = pdf_text(letter)
    for text in texts.values():
        _about(text, registration, spec)

    plan = squash(texts["plan-and-record"])
    for m in spec.methods:
        assert squash(m.name) in plan
        assert squash(labels[m.id]) in plan
    assert "AA " in texts["plan-and-record"]  # the assessor's initials and the date

    record = squash(texts["method-record"])
    for criterion in method.criteria:
        assert squash(f"{criterion.id}") in record
        assert squash(criterion.text) in record, criterion.id
    assert "✓" in texts["method-record"]
    assert squash(f"Feedback on the {method.name}.") in record
    assert squash(labels[method.id]) in record

    sheet = squash(texts["grading-sheet"])
    for m in spec.methods:
        assert squash(f"{m.name}") in sheet
    assert squash(f"Overall grade {result.label}") in sheet
    for element in method.elements:
        assert squash(element.name) in sheet
    if method.elements:
        assert "distinction criteria:" in texts["grading-sheet"]

    gateway = squash(texts["gateway-report"])
    for requirement in spec.gateway.requirements:
        assert squash(requirement.name) in gateway

    if spec.evidence.portfolio is not None:
        assert "Pieces of evidence against each" in texts["portfolio-matrix"]
    else:
        assert "sets no portfolio" in texts["portfolio-matrix"]

    letter_text = squash(texts["results-letter"])
    assert squash(f"Overall grade {result.label}") in letter_text
    for m in spec.methods:
        assert squash(f"{m.name} {labels[m.id]}") in letter_text
    assert "certificate" in texts["results-letter"]
    assert squash(_day(appeal_ends_on(result))) in letter_text

    # Tagged for assistive technology: PDF/UA-1 with a structure tree, language and title.
    reader = pypdf.PdfReader(io.BytesIO(letter))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert registration.apprentice.full_name in str(reader.metadata.title)


@pytest.mark.parametrize("spec_id", SPEC_IDS)
def test_feedback_and_next_steps_after_a_fail(
    spec_id: str, assessed: Callable[..., Any], specs: dict[str, Any]
) -> None:
    spec, _ = rules_for(specs[spec_id])
    failed = spec.methods[0]
    registration, result = assessed(spec_id, failing=[failed.id])
    assert result.grade == "fail"
    text = pdf_text(render_document("results-letter", registration))
    _about(text, registration, spec)
    flat = squash(text)
    assert "feedback and next steps" in text
    assert squash(f"Overall grade {result.label}") in flat
    label = next(m["label"] for m in result.methods if m["id"] == failed.id)
    assert squash(f"{failed.name}: {label}") in flat
    assert squash(f"Feedback on the {failed.name}.") in flat
    state = reassessment_state(registration)
    if state.deadline is not None:
        assert squash(f"Deadline: {state.deadline.summary}") in flat
    else:
        assert "sets no time limit for taking the methods again" in text
    assert squash(_day(appeal_ends_on(result))) in flat
