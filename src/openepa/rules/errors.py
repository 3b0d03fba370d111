"""Errors raised while loading specifications or grading, each a message a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SpecProblem:
    """One thing wrong in one specification or standard file."""

    file: Path
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file.name}:{self.line}" if self.line else self.file.name
        inside = f" {self.path}:" if self.path else ""
        return f"{where}:{inside} {self.message}"


class SpecError(Exception):
    """One or more problems found in specification files."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class GradingInputError(ValueError):
    """The judgements given to the grading engine name something that does not exist."""


class ReassessmentRefused(ValueError):  # noqa: N818 (a refusal, not a fault)
    """A resit or retake that the specification's policy does not allow."""
