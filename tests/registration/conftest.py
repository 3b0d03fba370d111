"""Fixtures for registration tests: a valid registration form and CSV rows for Bob's provider.

Dates are fixed: the planned assessment month is years ahead on a specification without a
lead time (Highfield), so the web tests do not depend on today; lead-time tests pass today's
date into the service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from openepa.accounts.models import Organisation
from openepa.registration.models import Registration
from openepa.registration.services import RegistrationDetails
from openepa.specifications.models import SpecificationRecord
from tests.conftest import make_uln

CSV_HEADER = (
    "uln,given_names,family_name,date_of_birth,email,phone,employer,specification,start_date,"
    "on_programme_end_date,planned_assessment_month,reasonable_adjustments,address_line_1,"
    "address_line_2,town,postcode"
)


@pytest.fixture
def add_registration(make_registration: Callable[..., Registration]) -> Callable[..., Registration]:
    """Create a registration (and its apprentice) directly, for the list and page tests."""
    return make_registration


@pytest.fixture
def form_data(
    specs: dict[str, SpecificationRecord], employer: Organisation
) -> Callable[..., dict[str, str]]:
    """POST data of a valid registration of Sam Taylor; keyword arguments override fields."""

    def build(**overrides: str) -> dict[str, str]:
        data = {
            "uln": make_uln(900),
            "given_names": "Sam",
            "family_name": "Taylor",
            "date_of_birth_day": "27",
            "date_of_birth_month": "3",
            "date_of_birth_year": "2004",
            "email": "sam.taylor@example.org",
            "phone": "07700 900982",
            "employer": str(employer.pk),
            "specification": str(specs["st0071-highfield"].pk),
            "start_date_day": "6",
            "start_date_month": "1",
            "start_date_year": "2025",
            "on_programme_end_date_day": "30",
            "on_programme_end_date_month": "4",
            "on_programme_end_date_year": "2026",
            "planned_assessment_month_month": "6",
            "planned_assessment_month_year": "2040",
            "reasonable_adjustments": "",
            "address_line_1": "1 High Street",
            "address_line_2": "",
            "town": "Leeds",
            "postcode": "ls1 4ap",
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def details(
    specs: dict[str, SpecificationRecord], employer: Organisation
) -> Callable[..., RegistrationDetails]:
    """Checked details of a registration; keyword arguments override fields."""

    def build(spec_id: str = "st0071-highfield", **overrides: Any) -> RegistrationDetails:
        values: dict[str, Any] = {
            "uln": make_uln(901),
            "given_names": "Sam",
            "family_name": "Taylor",
            "date_of_birth": date(2004, 3, 27),
            "email": "sam.taylor@example.org",
            "phone": "07700 900982",
            "employer": employer,
            "specification": specs[spec_id],
            "start_date": date(2025, 1, 6),
            "on_programme_end_date": date(2026, 4, 30),
            "planned_assessment_month": date(2040, 6, 1),
            "address_line_1": "1 High Street",
            "town": "Leeds",
            "postcode": "LS1 4AP",
        }
        values.update(overrides)
        return RegistrationDetails(**values)

    return build


def csv_row(**overrides: str) -> str:
    """One valid CSV row for Bright Retail on Highfield; keyword arguments override cells."""
    cells = {
        "uln": make_uln(950),
        "given_names": "Sam",
        "family_name": "Taylor",
        "date_of_birth": "2004-03-27",
        "email": "sam.taylor@example.org",
        "phone": "07700 900982",
        "employer": "Bright Retail",
        "specification": "st0071-highfield",
        "start_date": "06/01/2025",
        "on_programme_end_date": "2026-04-30",
        "planned_assessment_month": "2040-06",
        "reasonable_adjustments": "",
        "address_line_1": "1 High Street",
        "address_line_2": "",
        "town": "Leeds",
        "postcode": "LS1 4AP",
    }
    cells.update(overrides)
    return ",".join(
        f'"{value}"' if "," in value else value
        for value in (cells[c] for c in CSV_HEADER.split(","))
    )
