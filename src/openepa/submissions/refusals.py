"""The refusals of the submissions app: what the user asked for is not allowed, and why."""

from __future__ import annotations


class SubmissionRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """Something the user asked for is not allowed; ``message`` says why and what to do."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Changed(SubmissionRefused):
    """Someone else changed the record or question since the page was loaded."""
