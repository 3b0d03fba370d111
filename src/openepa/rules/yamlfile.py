"""Read YAML strictly: duplicate keys are errors, and every value's line is remembered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from openepa.rules.errors import SpecError, SpecProblem

Location = tuple[str | int, ...]


def read_yaml(file: Path) -> tuple[Any, dict[Location, int]]:
    """Parse ``file`` and return its data and a map from each key path to its line number.

    Raises :class:`SpecError` for a file that cannot be read, is not YAML, is empty or
    repeats a key in one mapping (YAML parsers usually keep the last silently).
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError([SpecProblem(file, "", f"cannot be read: {error}")]) from error
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError([SpecProblem(file, "", "the file is empty")])
        lines: dict[Location, int] = {}
        _walk(node, (), lines, file)
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError([SpecProblem(file, "", f"is not valid YAML: {problem}", line)]) from error
    finally:
        loader.dispose()
    return data, lines


def _walk(node: yaml.Node, location: Location, lines: dict[Location, int], file: Path) -> None:
    """Record the line of every node and refuse a key repeated in one mapping."""
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise SpecError(
                    [
                        SpecProblem(
                            file,
                            format_location((*location, key)),
                            f"duplicate key '{key}' (first given on line {seen[key]}); "
                            "each key may appear once in a mapping",
                            line,
                        )
                    ]
                )
            seen[key] = line
            _walk(value_node, (*location, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*location, index), lines, file)


def format_location(location: Location, data: Any = None) -> str:
    """Write a key path as ``methods[observation].criteria[K1.1].text``.

    List items are named by their ``id`` where ``data`` is given and the item has one.
    """
    text = ""
    current = data
    for step in location:
        if isinstance(step, int):
            label: str | int = step
            if isinstance(current, list) and step < len(current):
                item = current[step]
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    label = item["id"]
                current = item
            else:
                current = None
            text += f"[{label}]"
        else:
            text += f".{step}" if text else step
            current = current.get(step) if isinstance(current, dict) else None
    return text
