"""Refusals of an action on an assessment record: the exception, the method lookup, independence.

:class:`RecordRefused` carries the message (and every problem) the person is shown when the
rules do not allow an action on a record now.
"""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.planning.conflicts import conflict_refusal
from openepa.registration.models import Registration
from openepa.rules.model import Method, Specification
from openepa.rules.recording import method_of


class RecordRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """An action on a record the rules do not allow now, with a message saying why."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]


def method_of_or_refuse(spec: Specification, method_id: str) -> Method:
    """The method, or a refusal naming the methods of the specification."""
    try:
        return method_of(spec, method_id)
    except KeyError as error:
        raise RecordRefused(str(error.args[0])) from None


def require_independence(registration: Registration, user: User) -> None:
    """Refuse a judgement by someone who declared a conflict with the apprentice since."""
    refusal = conflict_refusal(registration, user)
    if refusal:
        raise RecordRefused(refusal)
