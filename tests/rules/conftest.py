"""Fixtures for the rules tests: a small, valid specification to break one way at a time."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

SOURCE = {"place": "Test section", "quote": "The source's words."}


def _criterion(cid: str, kind: str) -> dict[str, Any]:
    return {
        "id": cid,
        "kind": kind,
        "area": "customer-journey",
        "ksbs": ["K6"],
        "text": f"Criterion {cid}.",
        "source": SOURCE,
    }


MINIMAL_SPEC: dict[str, Any] = {
    "id": "st0071-test",
    "title": "A test specification",
    "epao": {"name": "Test EPAO"},
    "standard": "ST0071",
    "version": "1.2",
    "source": {"document": "test.txt", "title": "Test document"},
    "grade_labels": {
        "fail": "Fail",
        "pass": "Pass",
        "distinction": "Distinction",
        "source": SOURCE,
    },
    "methods": [
        {
            "id": "observation",
            "name": "Practical observation",
            "grading": {
                "pass": "all",
                "distinction": {"rule": "at_least_count", "value": 2},
                "source": SOURCE,
            },
            "criteria": [
                _criterion("OBS-P1", "pass"),
                _criterion("OBS-P2", "pass"),
                _criterion("OBS-D1", "distinction"),
                _criterion("OBS-D2", "distinction"),
                _criterion("OBS-D3", "distinction"),
            ],
        },
        {
            "id": "discussion",
            "name": "Professional discussion",
            "grading": {"pass": "all", "distinction": {"rule": "all"}, "source": SOURCE},
            "criteria": [_criterion("PD-P1", "pass"), _criterion("PD-D1", "distinction")],
        },
    ],
    "overall": {"rule": "distinction_in_all", "source": SOURCE},
    "gateway": {
        "requirements": [
            {
                "id": "english-maths",
                "name": "English and maths",
                "description": "Level 2.",
                "evidence": "upload",
                "submitted_by": ["provider"],
                "level": 2,
                "source": SOURCE,
            }
        ]
    },
}


@pytest.fixture
def spec_data() -> dict[str, Any]:
    """A deep copy of a minimal valid specification, to be broken by the test."""
    return copy.deepcopy(MINIMAL_SPEC)


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Write a specification as the only file of a fresh folder; return the folder."""

    def write(data: dict[str, Any], name: str | None = None) -> Path:
        file = tmp_path / f"{name or data.get('id', 'spec')}.yaml"
        file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
        return tmp_path

    return write
