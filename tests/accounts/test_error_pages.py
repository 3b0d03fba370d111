"""The not found, forbidden and server error pages speak plainly and lead home."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, RequestFactory
from django.views.defaults import server_error

from openepa.accounts.models import User


def test_page_not_found(login: Callable[[User], Client], bob: User) -> None:
    response = login(bob).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found – OpenEPA</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert 'href="/"' in html


def test_forbidden_page_links_home(login: Callable[[User], Client], bob: User) -> None:
    response = login(bob).get("/people/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission to see this page" in html
    assert "Go to your home page" in html


def test_server_error_page_needs_nothing_but_itself(db: object) -> None:
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert html.count("<h1") == 1
