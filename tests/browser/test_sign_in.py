"""Signing in, as a person would, with an accessibility check of each page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, follow
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_shows_errors_in_a_summary_then_signs_in(
    live_server: Any, page: Any, alice: Any
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    assert_accessible(page)
    page.get_by_label("Email address").fill("alice@epao.example")
    page.get_by_label("Password").fill("wrong password")
    follow(page.get_by_role("button", name="Sign in"))
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Alice"
