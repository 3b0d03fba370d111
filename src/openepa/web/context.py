"""Template context: the service navigation for the signed-in user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

NAVIGATION: dict[str, list[tuple[str, str]]] = {
    "epao_admin": [
        ("Home", "home"),
        ("Apprentices", "registration:list"),
        ("Gateway reviews", "gateway:review_queue"),
        ("Organisations", "accounts:organisations"),
        ("People", "accounts:people"),
    ],
    "assessor": [("Home", "home"), ("Apprentices", "registration:list")],
    "iqa": [("Home", "home"), ("Apprentices", "registration:list")],
    "provider": [
        ("Home", "home"),
        ("Apprentices", "registration:list"),
        ("Register an apprentice", "registration:create"),
        ("Upload a CSV", "registration:upload"),
    ],
    "employer": [("Home", "home"), ("Apprentices", "registration:list")],
    "apprentice": [("Home", "home")],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation links for the user's role, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, name in NAVIGATION.get(user.role, []):
        url = reverse(name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": label, "url": url, "current": current})
    return {"navigation": items}
