"""Sign-in throttling with django-axes: who an attempt is for, and where it comes from.

django-axes counts failed sign-ins per email address and client address together
(``AXES_LOCKOUT_PARAMETERS``), so a stranger guessing an admin's password locks only their own
address out, never the admin at hers. Behind a reverse proxy every request reaches Django from
the proxy's address; ``TRUSTED_PROXY_COUNT`` says how many proxies stand in front, and the
client's address is then the entry the first of them appended to ``X-Forwarded-For``. Entries
to its left were written by the client and are never trusted.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from openepa.people.services import normalise_email


def sign_in_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The email address a sign-in attempt is for, in lower case: django-axes counts by it.

    Set as ``AXES_USERNAME_CALLABLE``. Django reports a failed sign-in with a ``username``
    credential while django-axes looks up the user model's ``email`` field, so both are read,
    and an address typed in capitals counts against the same account.
    """
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username")
    return normalise_email(value) if isinstance(value, str) and value.strip() else None


def client_address(request: HttpRequest) -> str | None:
    """The address of the person signing in, as ``AXES_CLIENT_IP_CALLABLE``.

    With no trusted proxy it is the connection's address. With ``TRUSTED_PROXY_COUNT`` = N it
    is the N-th entry of ``X-Forwarded-For`` from the right (each proxy appends the address it
    was reached from); a request whose header is shorter or not an address did not come
    through every proxy, and is counted against the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    return candidate if is_ip_address(candidate) else remote


def is_ip_address(text: str) -> bool:
    """Whether ``text`` is an IPv4 or IPv6 address."""
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
