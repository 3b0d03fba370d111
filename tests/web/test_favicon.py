"""OpenEPA has its own icon: linked from every page, and where browsers look for it."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

import openepa


def test_every_page_links_openepas_icon(client: Client) -> None:
    html = client.get("/sign-in/").content.decode()
    assert '<link rel="icon" href="/static/openepa/favicon.svg" type="image/svg+xml">' in html


def test_favicon_ico_sends_the_browser_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/openepa/favicon.svg"


def test_the_icon_is_a_file_of_openepas_own() -> None:
    icon = Path(openepa.__file__).parent / "web" / "static" / "openepa" / "favicon.svg"
    assert icon.read_text().startswith("<svg")
