"""Plausible dates at registration: an apprentice of 5 or 126, a start date in 2030.

The form and each row of a CSV file are refused with the reason, and nothing is registered.
Today is 5 August 2026.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openepa.accounts.models import User
from openepa.kernel import clock
from openepa.registration.models import Registration
from tests.registration.conftest import CSV_HEADER, csv_row, make_uln

FormData = Callable[..., dict[str, str]]


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 5))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"date_of_birth_year": "2020"},
            "Date of birth makes the apprentice 4 on the apprenticeship start date "
            "(6 January 2025): an apprentice is at least 15 when they start",
        ),
        (
            {"date_of_birth_year": "1900"},
            "Date of birth makes the apprentice 124 on the apprenticeship start date "
            "(6 January 2025): an apprentice is at most 100 when they start",
        ),
        (
            {"start_date_year": "2030", "on_programme_end_date_year": "2031"},
            "Apprenticeship start date 6 January 2030 is more than 12 months away",
        ),
    ],
)
def test_the_form_refuses_an_implausible_age_or_start_date(
    login: Callable[[User], Client],
    bob: User,
    form_data: FormData,
    fields: dict[str, str],
    message: str,
) -> None:
    response = login(bob).post("/apprentices/register/", form_data(**fields))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert message in page
    assert not Registration.objects.exists()


def test_a_csv_file_with_an_implausible_age_or_start_date_registers_nobody(
    login: Callable[[User], Client], bob: User, specs: object, employer: object
) -> None:
    rows = [
        csv_row(uln=make_uln(1), date_of_birth="2020-05-01"),
        csv_row(uln=make_uln(2), start_date="06/01/2030", on_programme_end_date="2031-04-30"),
        csv_row(uln=make_uln(3)),
    ]
    text = "\r\n".join([CSV_HEADER, *rows]) + "\r\n"
    upload = SimpleUploadedFile("apprentices.csv", text.encode(), content_type="text/csv")
    response = login(bob).post("/apprentices/upload/", {"file": upload})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Row 2, date_of_birth: Date of birth makes the apprentice 4" in page
    assert "Row 3, start_date: Apprenticeship start date 6 January 2030 is more than" in page
    assert "Row 4" not in page
    assert not Registration.objects.exists()
