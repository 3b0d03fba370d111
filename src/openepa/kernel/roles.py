"""Which pages a role may use: a page the role may not use at all is "forbidden" (403).

Which records a person may see is decided by :mod:`openepa.registration.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[View], View]:
    """Let only signed-in users with one of ``roles`` use a view; others get 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied("Your role cannot use this page")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
