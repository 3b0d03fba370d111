"""Registering in a browser, as Bob would, with an accessibility check of each page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openepa.registration.models import Registration
from tests.browser.conftest import assert_accessible, follow
from tests.conftest import PASSWORD
from tests.registration.conftest import CSV_HEADER, csv_row, make_uln

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))


def fill_date(page: Any, name: str, **parts: str) -> None:
    """Type a date's parts into its boxes (found by name: the shared date input gives the
    day box the same id as its wrapper, so its label does not reach it)."""
    for part, value in parts.items():
        page.locator(f'input[name="{name}_{part}"]').fill(value)


def test_bob_registers_an_apprentice_after_correcting_mistakes(
    live_server: Any,
    page: Any,
    bob: Any,
    specs: Any,
    employer: Any,
) -> None:
    sign_in(page, live_server.url, bob.email)
    page.goto(f"{live_server.url}/apprentices/register/")
    assert_accessible(page)
    page.get_by_label("Unique learner number (ULN)").fill("12345")
    page.get_by_label("Given names").fill("Sam")
    page.get_by_label("Family name").fill("Taylor")
    follow(page.get_by_role("button", name="Register apprentice"))
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "A ULN is 10 digits: you entered 5 digits" in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Unique learner number (ULN)").fill(make_uln(77))
    assert page.get_by_label("Given names").input_value() == "Sam"
    fill_date(page, "date_of_birth", day="27", month="3", year="2004")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Phone number").fill("07700 900982")
    page.get_by_label("Employer").select_option(label="Bright Retail")
    page.get_by_label("Standard and assessment specification").select_option(
        value=str(specs["st0071-highfield"].pk)
    )
    fill_date(page, "start_date", day="6", month="1", year="2025")
    fill_date(page, "on_programme_end_date", day="30", month="4", year="2026")
    fill_date(page, "planned_assessment_month", month="6", year="2040")
    page.get_by_label("Address line 1").fill("1 High Street")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("ls1 4ap")
    follow(page.get_by_role("button", name="Register apprentice"))

    assert page.get_by_role("heading", level=1).inner_text() == "Sam Taylor"
    assert (
        "Sam Taylor is registered on ST0071"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)
    page.goto(f"{live_server.url}/apprentices/")
    assert "Taylor, Sam" in page.locator("table").inner_text()
    assert_accessible(page)


def test_bob_sees_every_problem_in_a_csv_file(
    live_server: Any,
    page: Any,
    bob: Any,
    specs: Any,
    employer: Any,
    tmp_path: Path,
) -> None:
    file = tmp_path / "apprentices.csv"
    file.write_text(
        "\n".join([CSV_HEADER, csv_row(uln=make_uln(1)), csv_row(uln="123", postcode="X")]) + "\n"
    )
    sign_in(page, live_server.url, bob.email)
    page.goto(f"{live_server.url}/apprentices/upload/")
    assert_accessible(page)
    page.get_by_label("Upload a CSV file").set_input_files(str(file))
    follow(page.get_by_role("button", name="Upload and register"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "No apprentices were registered: 2 problems in 1 row" in summary
    assert "Row 3, uln: A ULN is 10 digits" in summary
    assert_accessible(page)
    assert not Registration.objects.exists()
