"""Security headers on every response: a Content-Security-Policy and a Permissions-Policy.

Django 5.2 has no Content-Security-Policy of its own, so this small middleware adds both
headers, as ``settings.CONTENT_SECURITY_POLICY`` and ``settings.PERMISSIONS_POLICY`` describe
them, to every response (pages, files, errors), unless a view has set its own. Scripts come
only from OpenEPA's static files: no template holds an inline script or event attribute.

With ``DEBUG`` on, Django's own debug pages (the yellow error page, the "page not found" list
of URLs) keep working: they are styled inline, so they are sent without the policy.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


def content_security_policy() -> str:
    """The Content-Security-Policy header, from ``settings.CONTENT_SECURITY_POLICY``."""
    policy: dict[str, list[str]] = settings.CONTENT_SECURITY_POLICY
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def permissions_policy() -> str:
    """The Permissions-Policy header, from ``settings.PERMISSIONS_POLICY``."""
    policy: dict[str, list[str]] = settings.PERMISSIONS_POLICY
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


def is_django_debug_page(response: HttpResponseBase) -> bool:
    """Whether ``response`` is one of Django's debug pages, shown only with ``DEBUG`` on."""
    if not settings.DEBUG or response.streaming or response.status_code not in (404, 500):
        return False
    return DEBUG_PAGE_MARK in response.content[:1000]  # type: ignore[attr-defined]


def add_security_headers(response: HttpResponseBase) -> HttpResponseBase:
    """Add both policies to ``response``, keeping any a view has set itself."""
    if not is_django_debug_page(response):
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("Permissions-Policy", permissions_policy())
    return response


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Answer the request, then add the headers."""
        return add_security_headers(self.get_response(request))
