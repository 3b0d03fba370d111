"""Validators for organisation and learner identifiers, wrapping :mod:`openepa.rules`."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from openepa.rules.identifiers import ukprn_problem, uln_problem


def validate_ukprn(value: str) -> None:
    """A UK provider reference number: 8 digits from 10000000 to 99999999."""
    problem = ukprn_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_ukprn")


def validate_uln(value: str) -> None:
    """A unique learner number with a valid check digit."""
    problem = uln_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_uln")
