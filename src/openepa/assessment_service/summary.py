"""What one sending run did: each learner's item sent, refused or not sent, in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openepa.registration.service_models import ServiceItem

Kind = ServiceItem.Kind

CREATE, UPDATE, SUBMIT, LOOKUP = "create", "update", "submit", "lookup"

DONE_WORDS: dict[tuple[str, str], str] = {
    (Kind.EPA, CREATE): "EPA records created",
    (Kind.EPA, UPDATE): "EPA records updated",
    (Kind.CERTIFICATE, CREATE): "Certificates created",
    (Kind.CERTIFICATE, UPDATE): "Certificates updated",
    (Kind.CERTIFICATE, SUBMIT): "Certificates submitted",
}
DOING_WORDS: dict[tuple[str, str], str] = {
    (Kind.EPA, CREATE): "creating the EPA record",
    (Kind.EPA, UPDATE): "updating the EPA record",
    (Kind.EPA, LOOKUP): "looking up the learner's EPA record",
    (Kind.CERTIFICATE, CREATE): "creating the certificate",
    (Kind.CERTIFICATE, UPDATE): "updating the certificate",
    (Kind.CERTIFICATE, SUBMIT): "submitting the certificate",
}


@dataclass(frozen=True)
class Line:
    """One learner's item in a run: what was done, or refused, or not sent and why."""

    kind: str
    action: str
    name: str
    uln: str
    reference: str = ""
    messages: tuple[str, ...] = ()
    error: str = ""

    @property
    def who(self) -> str:
        """The learner, as the lines name them."""
        return f"{self.name} (ULN {self.uln})"

    @property
    def kind_words(self) -> str:
        """The item's kind in words: "EPA record" or "Certificate"."""
        return str(Kind(self.kind).label)

    @property
    def doing(self) -> str:
        """What was being done, in words."""
        return DOING_WORDS.get((self.kind, self.action), self.action)


@dataclass
class SyncSummary:
    """What one run of :func:`send_due` sent, what was refused and what could not be sent."""

    configured: bool = True
    sent: list[Line] = field(default_factory=list)
    refused: list[Line] = field(default_factory=list)
    unsent: list[Line] = field(default_factory=list)
    held: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def complete(self) -> bool:
        """Whether everything due was sent or refused (nothing left for want of the service)."""
        return self.configured and not self.unsent

    def as_dict(self) -> dict[str, Any]:
        """The summary as numbers and sentences (a task's result)."""
        return {
            "configured": self.configured,
            "requests": self.requests,
            "sent": len(self.sent),
            "refused": len(self.refused),
            "unsent": len(self.unsent),
            "held": len(self.held),
            "problems": self.problems,
        }
