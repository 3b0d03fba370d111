"""Every response carries a Content-Security-Policy and a Permissions-Policy.

The policy allows scripts only from OpenEPA's own static files, so no template may hold an
inline script: no ``<script>`` with content, no ``on…=`` event attribute, no ``javascript:``
link. GOV.UK Frontend's ``govuk-frontend-supported`` class is set by a static file too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.registration.models import Registration
from openepa.web.security import SecurityHeadersMiddleware
from tests.epa import accept

SRC = Path(__file__).resolve().parents[2] / "src" / "openepa"
TEMPLATES = sorted(SRC.rglob("*.html"))
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def directives(response: object) -> dict[str, list[str]]:
    """The Content-Security-Policy of a response, by directive."""
    header = response["Content-Security-Policy"]  # type: ignore[index]
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def assert_secure_headers(response: object) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    permissions = response["Permissions-Policy"]  # type: ignore[index]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_the_sign_in_page_carries_both_headers(client: Client, db: object) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.parametrize("path", ["/", "/no-such-page/", "/people/", "/django-admin/"])
def test_every_kind_of_page_carries_both_headers(
    login: Callable[[User], Client], bob: User, path: str
) -> None:
    assert_secure_headers(login(bob).get(path))


def test_the_assessors_record_page_carries_both_headers_and_its_script_is_a_file(
    login: Callable[[User], Client],
    make_registration: Callable[..., Registration],
    anna: User,
    ivy: User,
) -> None:
    registration = accept(make_registration("st0071-highfield"), anna, ivy)
    response = login(anna).get(reverse("assessment:record", args=[registration.pk, "observation"]))
    assert response.status_code == 200
    assert_secure_headers(response)
    assert 'src="/static/openepa/record.js"' in response.content.decode()


def test_a_static_file_carries_both_headers(client: Client, db: object) -> None:
    response = client.get(f"{settings.STATIC_URL}openepa/record.js")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_a_view_that_sets_its_own_policy_keeps_it(rf: object) -> None:
    own = HttpResponse("", headers={"Content-Security-Policy": "default-src 'none'"})
    response = SecurityHeadersMiddleware(lambda request: own)(rf.get("/"))  # type: ignore[attr-defined]
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "camera=()" in response["Permissions-Policy"]


def test_djangos_debug_pages_stay_usable_in_development(
    client: Client, db: object, settings: Any
) -> None:
    settings.DEBUG = True
    debug_page = client.get("/no-such-page/")
    assert debug_page.status_code == 404
    assert "Content-Security-Policy" not in debug_page
    assert "camera=()" in debug_page["Permissions-Policy"]
    settings.DEBUG = False
    assert_secure_headers(client.get("/no-such-page/"))


def test_there_are_templates_to_check() -> None:
    assert len(TEMPLATES) > 50
    assert SRC / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(SRC)))
def test_no_template_holds_an_inline_script(template: Path) -> None:
    html = template.read_text()
    inline = [body.strip()[:80] for _, body in SCRIPT.findall(html) if body.strip()]
    assert inline == []
    assert all("src=" in attributes for attributes, _ in SCRIPT.findall(html))
    assert EVENT_ATTRIBUTE.findall(html) == []
    assert JAVASCRIPT_URL.findall(html) == []


def test_govuk_frontend_is_told_it_is_supported_by_a_static_file(
    client: Client, db: object
) -> None:
    html = client.get("/sign-in/").content.decode()
    body = html.split("<body", 1)[1]
    first_script = re.search(r"<script\b[^>]*>", body)
    assert first_script is not None
    assert 'src="/static/openepa/supported.js"' in first_script.group(0)
    script = (SRC / "web/static/openepa/supported.js").read_text()
    assert "govuk-frontend-supported" in script
    assert "js-enabled" in script
