"""Load standard and specification files into a :class:`Catalogue`, refusing anything wrong.

Loading is in three steps: strict YAML (:mod:`openepa.rules.yamlfile`), the shape of each
file (:mod:`openepa.rules.model`, unknown keys and wrong types refused) and the
cross-references of the whole file (:mod:`openepa.rules.validate`). Every problem found is
reported with its file, line and path, and with what is allowed instead.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from openepa.rules.errors import SpecError, SpecProblem
from openepa.rules.model import Specification, Standard
from openepa.rules.validate import validate_specification, validate_standard
from openepa.rules.yamlfile import Location, format_location, read_yaml

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "specs"

Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Catalogue:
    """Every standard and specification loaded from a folder."""

    standards: dict[tuple[str, str], Standard] = field(default_factory=dict)
    specifications: dict[str, Specification] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)

    def specification(self, spec_id: str) -> Specification:
        """Return the specification with this id or raise ``KeyError`` naming the known ids."""
        try:
            return self.specifications[spec_id]
        except KeyError:
            known = ", ".join(sorted(self.specifications)) or "none"
            raise KeyError(f"unknown specification '{spec_id}'; known: {known}") from None

    def standard_of(self, spec: Specification) -> Standard:
        """Return the standard a specification assesses."""
        return self.standards[(spec.standard, spec.version)]


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load and validate every file under ``directory``, reusing an unchanged earlier load.

    The result is cached per folder and the names, sizes and modification times of its files,
    so a changed file is always read again.
    """
    directory = (directory or BUILTIN_DIR).resolve()
    if not directory.is_dir():
        raise SpecError([SpecProblem(directory, "", "is not a folder")])
    files = sorted([*directory.glob("*.yaml"), *_standard_files(directory)])
    stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    return _load_catalogue_cached(directory, stamp)


@lru_cache(maxsize=16)
def _load_catalogue_cached(directory: Path, stamp: tuple[tuple[str, int, int], ...]) -> Catalogue:
    """Load a folder once per state of its files (``stamp``)."""
    return _load_catalogue(directory)


def _load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load and validate every file under ``directory`` (the built-in specifications by default).

    Standards are read from ``directory/standards``; the built-in standards are available
    too, so an EPAO can author a specification of a standard OpenEPA already has. Raises
    :class:`SpecError` listing every problem in every file.
    """
    directory = directory or BUILTIN_DIR
    if not directory.is_dir():
        raise SpecError([SpecProblem(directory, "", "is not a folder")])
    problems: list[SpecProblem] = []
    catalogue = Catalogue()
    standard_files = _standard_files(directory)
    for file in standard_files:
        standard, lines = _load_one(file, Standard, problems)
        if standard is not None:
            problems += validate_standard(standard, file, lines)
            catalogue.standards[(standard.reference, standard.version)] = standard
    spec_files = sorted(directory.glob("*.yaml"))
    if not spec_files:
        problems.append(SpecProblem(directory, "", "holds no specification files (*.yaml)"))
    for file in spec_files:
        spec, lines = _load_one(file, Specification, problems)
        if spec is None:
            continue
        if spec.id in catalogue.specifications:
            problems.append(
                SpecProblem(
                    file,
                    "id",
                    f"specification id '{spec.id}' is also used by "
                    f"{catalogue.files[spec.id].name}; ids must be unique",
                )
            )
            continue
        problems += validate_specification(spec, file, catalogue.standards, lines)
        catalogue.specifications[spec.id] = spec
        catalogue.files[spec.id] = file
    if problems:
        raise SpecError(problems)
    return catalogue


def _standard_files(directory: Path) -> list[Path]:
    """Standard files of ``directory``, after the built-in ones it does not replace."""
    own = {file.name: file for file in sorted((directory / "standards").glob("*.yaml"))}
    builtin = {file.name: file for file in sorted((BUILTIN_DIR / "standards").glob("*.yaml"))}
    return list({**builtin, **own}.values())


def _load_one(
    file: Path, model: type[Model], problems: list[SpecProblem]
) -> tuple[Model | None, dict[Location, int]]:
    """Read one file as ``model`` with its line map; on problems, add them and return None."""
    try:
        data, lines = read_yaml(file)
    except SpecError as error:
        problems += error.problems
        return None, {}
    if not isinstance(data, dict):
        problems.append(SpecProblem(file, "", "must be a mapping of keys to values", 1))
        return None, lines
    try:
        return model.model_validate(data), lines
    except ValidationError as error:
        for detail in error.errors():
            problems.append(_problem_from_pydantic(file, data, lines, model, detail))
        return None, lines


def _problem_from_pydantic(
    file: Path,
    data: Any,
    lines: dict[Location, int],
    model: type[BaseModel],
    detail: Any,
) -> SpecProblem:
    """Turn one pydantic error into a message that says what is allowed."""
    location: Location = tuple(detail["loc"])
    kind = detail["type"]
    line = _nearest_line(lines, location)
    if kind == "extra_forbidden":
        parent = _model_at(model, location[:-1])
        allowed = ", ".join(_keys_of(parent)) if parent else "none"
        message = f"unknown key '{location[-1]}'; allowed keys: {allowed}"
    elif kind == "missing":
        name = location[-1]
        message = f"required key '{name}' is missing"
        if name == "source":
            message += "; every rule needs a source reference: {place: ..., quote: ...}"
    elif kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        message = f"{detail['input']!r} is not allowed; allowed: {expected}"
    elif kind == "string_type":
        message = f"must be text; got {detail['input']!r} (put it in quotes)"
    elif kind in {"int_type", "int_parsing"}:
        message = f"must be a whole number; got {detail['input']!r}"
    elif kind == "bool_type":
        message = f"must be true or false; got {detail['input']!r}"
    elif kind in {"list_type", "dict_type", "model_type"}:
        shape = {"list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping"}[kind]
        message = f"must be {shape}; got {detail['input']!r}"
    else:
        message = str(detail["msg"]).removeprefix("Value error, ")
    return SpecProblem(file, format_location(location, data), message, line)


def _nearest_line(lines: dict[Location, int], location: Location) -> int | None:
    """The line of ``location`` or of its nearest ancestor that has one."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None


def _model_at(model: type[BaseModel], location: Location) -> type[BaseModel] | None:
    """The model class that validates the mapping found at ``location``, if it is one."""
    current: Any = model
    for step in location:
        if isinstance(step, int):
            current = _unwrap(current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field_info = next(
            (info for name, info in current.model_fields.items() if step in (name, info.alias)),
            None,
        )
        if field_info is None:
            return None
        current = _unwrap(field_info.annotation)
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``list[X]`` and ``X | None`` to ``X``."""
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


def _keys_of(model: type[BaseModel]) -> list[str]:
    """The YAML keys a model accepts, as an author writes them."""
    return [info.alias or name for name, info in model.model_fields.items()]
