"""What a check returns: a :class:`Finding`, and how its message is written.

Each rule is one function (:mod:`openepa.rules.booking.time_checks`,
:mod:`openepa.rules.booking.method_checks`); its docstring is the message shown to the user,
filled in with the source's words (the rule's ``source.quote``, or its name where the source
gives no words) and the dates. Every finding says which rule produced its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from openepa.rules.model import Source

Severity = Literal["refusal", "warning"]


@dataclass(frozen=True)
class Finding:
    """A rule a booking or plan breaks: what is wrong, how to fix it, and the date involved.

    ``rule`` is the time rule's id, or ``order:METHOD``, ``duration:METHOD``,
    ``mode:METHOD``, ``after-gateway`` for the rules OpenEPA reads from the methods.
    ``produced_by`` says which rule produced ``date``.
    """

    rule: str
    name: str
    severity: Severity
    message: str
    date: dt.date | None
    produced_by: str
    method: str | None = None
    source: Source | None = None


def quote(source: Source | None, fallback: str) -> str:
    """The source's words (or ``fallback`` where it gives none) as one sentence."""
    words = source.quote if source is not None and source.quote else fallback
    words = words.strip()
    return words if words.endswith((".", "!", "?")) else f"{words}."


def message_of(rule_function: Callable[..., object], **values: object) -> str:
    """Fill the message of a rule function (its docstring after the summary) with values."""
    body = (rule_function.__doc__ or "").split("\n\n", 1)[-1]
    template = " ".join(body.split())
    return template.format(**values)


def refused(findings: Iterable[Finding]) -> bool:
    """Whether any finding refuses the booking."""
    return any(f.severity == "refusal" for f in findings)
