"""Helpers of the documents tests: an assessed, released registration and its PDFs' text."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable

import pypdf
import pytest

from openepa.accounts.models import User
from openepa.registration.models import Registration
from openepa.results.models import Result
from openepa.specifications.services import rules_for
from tests.epa import accept, policy_without_sampling, record_method
from tests.results.test_reassessment_support import failing_criterion, release

SPEC_IDS = [
    "st0072-excelme",
    "st0071-nqual",
    "st0072-activeiq",
    "st0071-highfield",
    "st0071-epakit",
]


def pdf_text(data: bytes) -> str:
    """Every page's text, with runs of white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def squash(text: str) -> str:
    """Text without any white space, to compare text wrapped over lines in a PDF."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def assessed(
    make_registration: Callable[..., Registration], anna: User, ivy: User, alice: User
) -> Callable[..., tuple[Registration, Result]]:
    """A registration on ``spec_id`` with every method recorded and the result released.

    ``failing`` methods fail (one pass criterion not met).
    """

    def make(
        spec_id: str, *, failing: Iterable[str] = (), **fields: object
    ) -> tuple[Registration, Result]:
        registration = accept(make_registration(spec_id, **fields), anna, ivy)
        policy_without_sampling(registration.epao)
        spec, _ = rules_for(registration.specification)
        fails = set(failing)
        for method in spec.methods:
            not_met = [failing_criterion(registration, method.id)] if method.id in fails else []
            record_method(registration, method.id, anna, not_met=not_met)
        from datetime import date

        return registration, release(registration, alice, date(2026, 10, 1))

    return make
