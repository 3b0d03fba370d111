"""The web application starts and the home page is private."""

from __future__ import annotations

from django.test import Client


def test_home_asks_anonymous_visitors_to_sign_in(client: Client, db: object) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_sign_in_page_uses_openepa_name_and_no_crown(client: Client, db: object) -> None:
    response = client.get("/sign-in/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "OpenEPA" in html
    assert "govuk-header__logo" not in html
    assert "GDS Transport" not in html
