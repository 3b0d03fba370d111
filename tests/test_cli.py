"""The openepa command: JSON output shapes, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openepa.cli import main
from openepa.rules.loader import load_catalogue

SPEC_IDS = [
    "st0071-epakit",
    "st0071-highfield",
    "st0071-nqual",
    "st0072-activeiq",
    "st0072-excelme",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def all_met_request(spec_id: str) -> dict[str, Any]:
    spec = load_catalogue().specification(spec_id)
    return {
        "spec": spec_id,
        "methods": {
            m.id: {"judgements": {c.id: "met" for c in m.criteria}, "attempt": "first"}
            for m in spec.methods
        },
        "exceptional_circumstances": False,
    }


def test_specs_list_json_lists_the_five_specifications(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "specs", "list", "--json")
    rows = json.loads(out)
    assert status == 0
    assert [row["id"] for row in rows] == SPEC_IDS
    assert {(row["standard"], row["version"], row["level"]) for row in rows} == {
        ("ST0071", "1.2", 3),
        ("ST0072", "1.1", 2),
    }
    assert all(row["epao"] for row in rows)


@pytest.mark.parametrize("spec_id", SPEC_IDS)
def test_specs_show_json_lists_every_criterion(
    capsys: pytest.CaptureFixture[str], spec_id: str
) -> None:
    status, out, _ = run(capsys, "specs", "show", spec_id, "--json")
    data = json.loads(out)
    assert status == 0
    assert {"id", "standard", "version", "epao", "methods"} <= set(data)
    for method in data["methods"]:
        assert {"id", "name", "grading", "criteria"} <= set(method)
        for criterion in method["criteria"]:
            assert {"id", "text", "kind", "element", "ksbs"} <= set(criterion)
            assert criterion["kind"] in ("pass", "distinction")


@pytest.mark.parametrize("spec_id", SPEC_IDS)
def test_grade_all_met_gives_distinction(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, spec_id: str
) -> None:
    file = tmp_path / "request.json"
    file.write_text(json.dumps(all_met_request(spec_id)))
    status, out, _ = run(capsys, "grade", str(file), "--json")
    result = json.loads(out)
    assert status == 0
    assert result["overall"]["grade"] == "distinction"
    for method in result["methods"].values():
        assert {
            "grade",
            "label",
            "pass_met",
            "pass_total",
            "distinction_met",
            "distinction_total",
            "missing",
            "capped",
        } <= set(method)
        assert method["pass_met"] == method["pass_total"]


def test_grade_prints_a_readable_result(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "request.json"
    file.write_text(json.dumps(all_met_request("st0072-activeiq")))
    status, out, _ = run(capsys, "grade", str(file))
    assert status == 0
    assert "Overall: Distinction" in out


def _bad(tmp_path: Path, content: str) -> str:
    file = tmp_path / "bad.json"
    file.write_text(content)
    return str(file)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"spec": "st0071-nowhere", "methods": {}}', "unknown specification 'st0071-nowhere'"),
        (
            '{"spec": "st0071-nqual", "methods": {"showcase": {"judgements": {}}}}',
            "unknown method showcase",
        ),
        (
            '{"spec": "st0071-highfield", "methods": {"project": {"judgements": {"K9.9": "met"}}}}',
            "unknown criterion 'K9.9'",
        ),
        (
            '{"spec": "st0071-highfield", "methods": {"project": {"judgements": {"K1.1": "yes"}}}}',
            'allowed: "met", "not_met"',
        ),
        (
            '{"spec": "st0071-highfield", "methods": {"project": {"attempt": "third"}}}',
            "allowed: first, resit, retake",
        ),
        ('{"spec": "st0071-highfield", "methods": {', "is not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_bad_grade_input_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    status, out, err = run(capsys, "grade", _bad(tmp_path, content), "--json")
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_missing_file_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "grade", "/nonexistent/request.json")
    assert (status, err) == (2, "openepa: error: no such file: /nonexistent/request.json\n")


def test_unknown_spec_for_show_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "specs", "show", "st9999-x")
    assert status == 2
    assert err.startswith("openepa: error: unknown specification 'st9999-x'; known: st0071-epakit")


def test_bad_arguments_are_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "gradee")
    assert status == 2
    assert err.count("\n") == 1


def test_specs_check_passes_on_the_builtin_specifications(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "specs", "check")
    assert status == 0
    assert out.count("ok  ") == 5


def test_specs_check_reports_every_problem_and_status_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "st0071-mine.yaml").write_text("id: st0071-mine\nfoo: 1\n")
    status, out, _ = run(capsys, "specs", "check", str(tmp_path))
    assert status == 1
    assert "unknown key 'foo'" in out
    assert "required key 'methods' is missing" in out


def test_console_script_runs_without_traceback() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "openepa", "grade", "/nonexistent.json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
