"""The one way to get the specification a registration is assessed against.

A registration keeps the stored specification (:class:`SpecificationRecord`) it was made
under; a corrected file becomes a new record, so the rules never change under a registration.
"""

from __future__ import annotations

from typing import Protocol

from openepa.rules.model import Specification, Standard
from openepa.specifications.models import SpecificationRecord
from openepa.specifications.services import rules_for


class RegisteredOnSpecification(Protocol):
    """Anything registered on a stored specification (a registration)."""

    @property
    def specification(self) -> SpecificationRecord: ...


def rules_of_record(record: SpecificationRecord) -> tuple[Specification, Standard]:
    """The specification and standard of a stored specification (parsed once per process)."""
    return rules_for(record)


def rules_of(registration: RegisteredOnSpecification) -> tuple[Specification, Standard]:
    """The specification and standard the apprentice is registered on."""
    return rules_for(registration.specification)


def specification_of(registration: RegisteredOnSpecification) -> Specification:
    """The specification the apprentice is registered on."""
    return rules_for(registration.specification)[0]
