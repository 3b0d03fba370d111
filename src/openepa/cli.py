"""The ``openepa`` command: list, show and check specifications, and grade judgements.

Bad input never shows a traceback: the command prints one line naming the problem and exits
with status 2. ``specs check`` prints one line per problem and exits with status 1 when a
specification is invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from openepa.conf import ConfigurationError
from openepa.rules.errors import GradingInputError, ReassessmentRefused, SpecError
from openepa.rules.grading import GradeResult, describe_distinction_rule, grade
from openepa.rules.loader import Catalogue, load_catalogue
from openepa.rules.model import Method, Specification
from openepa.rules.requests import parse_grade_request, result_to_json


class UsageError(Exception):
    """Bad input to the command: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see 'openepa --help')")


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    parser = _Parser(
        prog="openepa",
        description="OpenEPA end-point assessment tools. Also: 'openepa manage COMMAND' runs a "
        "Django management command and 'openepa demo --apprentices N' creates demo data.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    specs = commands.add_parser("specs", help="list, show and check specifications")
    spec_commands = specs.add_subparsers(dest="specs_command", required=True)
    listing = spec_commands.add_parser("list", help="list the specifications")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--dir", type=Path, help="a folder of specifications")
    show = spec_commands.add_parser("show", help="show one specification")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--dir", type=Path, help="a folder of specifications")
    check = spec_commands.add_parser("check", help="validate a folder of specifications")
    check.add_argument("dir", nargs="?", type=Path, help="default: the built-in specifications")

    grading = commands.add_parser("grade", help="grade judgements given in a JSON file")
    grading.add_argument("file", help="a JSON file, or - for standard input")
    grading.add_argument("--json", action="store_true", help="print JSON")
    grading.add_argument("--dir", type=Path, help="a folder of specifications")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] in (["manage"], ["demo"]):
        return run_django(arguments)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "specs" and args.specs_command == "check":
            return check_specs(args.dir)
        catalogue = _catalogue(args.dir)
        if args.command == "grade":
            return grade_file(catalogue, args.file, as_json=args.json)
        if args.specs_command == "list":
            return list_specs(catalogue, as_json=args.json)
        return show_spec(catalogue, args.id, as_json=args.json)
    except UsageError as error:
        print(f"openepa: error: {error}", file=sys.stderr)
        return 2


def _catalogue(directory: Path | None) -> Catalogue:
    """Load the specifications, turning problems into one usage line."""
    try:
        return load_catalogue(directory)
    except SpecError as error:
        count = len(error.problems)
        raise UsageError(
            f"{count} problem(s) in the specifications, first: {error.problems[0]} "
            "(run 'openepa specs check' for all)"
        ) from error


def check_specs(directory: Path | None) -> int:
    """Validate a folder and print every problem; 0 if valid, 1 if not."""
    try:
        catalogue = load_catalogue(directory)
    except SpecError as error:
        for problem in error.problems:
            print(problem)
        print(f"{len(error.problems)} problem(s) found", file=sys.stderr)
        return 1
    for spec_id, spec in sorted(catalogue.specifications.items()):
        criteria = sum(len(method.criteria) for method in spec.methods)
        print(f"ok  {spec_id}: {len(spec.methods)} methods, {criteria} criteria")
    return 0


def list_specs(catalogue: Catalogue, *, as_json: bool) -> int:
    """Print one line (or JSON object) per specification."""
    rows = [
        {
            "id": spec.id,
            "standard": spec.standard,
            "version": spec.version,
            "level": catalogue.standard_of(spec).level,
            "title": catalogue.standard_of(spec).title,
            "epao": spec.epao.name,
            "methods": [method.id for method in spec.methods],
        }
        for spec in sorted(catalogue.specifications.values(), key=lambda s: s.id)
    ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        print(
            f"{row['id']:<20} {row['standard']} v{row['version']} level {row['level']}  "
            f"{row['title']}  ({row['epao']})"
        )
    return 0


def spec_to_json(catalogue: Catalogue, spec: Specification) -> dict[str, Any]:
    """A specification as ``specs show --json`` prints it."""
    standard = catalogue.standard_of(spec)
    return {
        "id": spec.id,
        "standard": spec.standard,
        "version": spec.version,
        "level": standard.level,
        "title": standard.title,
        "epao": spec.epao.name,
        "source": spec.source.document,
        "grade_labels": {
            "fail": spec.grade_labels.fail,
            "pass": spec.grade_labels.pass_,
            "distinction": spec.grade_labels.distinction,
        },
        "methods": [_method_to_json(method) for method in spec.methods],
        "overall": spec.overall.model_dump(by_alias=True, exclude_none=True),
        "reassessment": spec.reassessment.model_dump(by_alias=True, exclude_none=True),
        "notes": [note.model_dump() for note in spec.notes],
    }


def _method_to_json(method: Method) -> dict[str, Any]:
    """One method with its rule and criteria."""
    passes = sum(1 for c in method.criteria if c.kind == "pass")
    distinctions = len(method.criteria) - passes
    return {
        "id": method.id,
        "name": method.name,
        "grading": {
            **method.grading.model_dump(by_alias=True, exclude_none=True),
            "text": f"every pass criterion; "
            f"{describe_distinction_rule(method.grading.distinction, distinctions)}",
        },
        "pass_total": passes,
        "distinction_total": distinctions,
        "elements": [
            {
                "id": e.id,
                "name": e.name,
                "grading": e.grading.model_dump(by_alias=True, exclude_none=True),
                "exemption": e.exemption.checklist if e.exemption else None,
            }
            for e in method.elements
        ],
        "criteria": [
            {
                "id": c.id,
                "text": c.text,
                "kind": c.kind,
                "area": c.area,
                "element": c.element,
                "ksbs": list(c.ksbs),
            }
            for c in method.criteria
        ],
    }


def show_spec(catalogue: Catalogue, spec_id: str, *, as_json: bool) -> int:
    """Print a specification's methods, rules and criteria."""
    try:
        spec = catalogue.specification(spec_id)
    except KeyError as error:
        raise UsageError(error.args[0]) from error
    data = spec_to_json(catalogue, spec)
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"{spec.id}: {data['title']} ({spec.standard} v{spec.version}, level {data['level']})")
    print(f"EPAO: {spec.epao.name}    source: {spec.source.document}")
    for method in data["methods"]:
        print(
            f"\n{method['name']} [{method['id']}]: {method['pass_total']} pass, "
            f"{method['distinction_total']} distinction criteria; {method['grading']['text']}"
        )
        for criterion in method["criteria"]:
            element = f" {criterion['element']}" if criterion["element"] else ""
            print(f"  {criterion['id']:<8} {criterion['kind']:<11}{element}  {criterion['text']}")
    print(f"\nOverall: {spec.overall.rule}")
    return 0


def grade_file(catalogue: Catalogue, file: str, *, as_json: bool) -> int:
    """Grade the judgements in ``file`` and print the result."""
    data = _read_json(file)
    try:
        request = parse_grade_request(data)
        spec = catalogue.specification(request.spec_id)
        result = grade(spec, request)
    except KeyError as error:
        raise UsageError(error.args[0]) from error
    except (GradingInputError, ReassessmentRefused) as error:
        raise UsageError(str(error)) from error
    if as_json:
        print(json.dumps(result_to_json(result), indent=2, ensure_ascii=False))
    else:
        print_result(result)
    return 0


def _read_json(file: str) -> Any:
    """Read JSON from a file or standard input, with one-line errors."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise UsageError(f"no such file: {file}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {file}: {error}") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{file} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error


def print_result(result: GradeResult) -> None:
    """A grading result for people."""
    print(f"Specification {result.spec_id}")
    for method in result.methods:
        counts = method.tally
        print(
            f"  {method.name} [{method.id}]: {method.label}  "
            f"(pass {counts.pass_met}/{counts.pass_total}, "
            f"distinction {counts.distinction_met}/{counts.distinction_total}, "
            f"{counts.distinction_needed} needed)"
        )
        print(f"      {method.reason}")
        for element in method.elements:
            print(f"      - {element.name}: {element.grade}  ({element.reason})")
    print(f"  Overall: {result.overall.label}: {result.overall.reason}")


def run_django(arguments: list[str]) -> int:
    """``openepa manage ARGS`` runs a Django management command; ``openepa demo`` the demo data.

    A setting missing or refused (``DEBUG``, ``SECRET_KEY``, …) is one line saying what to set,
    with exit status 2, not a traceback.
    """
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    from django.core.management import execute_from_command_line

    command = arguments[1:] if arguments[0] == "manage" else arguments
    try:
        execute_from_command_line(["openepa manage", *command])
    except ConfigurationError as error:
        print(f"openepa: {error}", file=sys.stderr)
        return 2
    return 0


def run() -> NoReturn:
    """Entry point for ``python -m openepa``."""
    sys.exit(main())
