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
        ("Allocation", "planning:allocations"),
        ("At risk", "planning:at_risk"),
        ("Results", "results:release_queue"),
        ("Appeals", "results:appeals"),
        ("Certificate claims", "claims:list"),
        ("Learners to check", "registration:learner_checks"),
        ("Assessment service", "assessment_service:overview"),
        ("Settings", "settings"),
        ("Messages", "notifications:inbox"),
    ],
    "assessor": [
        ("Home", "home"),
        ("Apprentices", "registration:list"),
        ("Appeals to review", "results:my_appeals"),
        ("My profile", "planning:my_profile"),
        ("My calendar", "planning:calendar"),
        ("Messages", "notifications:inbox"),
    ],
    "iqa": [
        ("Home", "home"),
        ("Apprentices", "registration:list"),
        ("Sampled decisions", "results:iqa_queue"),
        ("Appeals to review", "results:my_appeals"),
        ("My profile", "planning:my_profile"),
        ("Messages", "notifications:inbox"),
    ],
    "provider": [
        ("Home", "home"),
        ("Apprentices", "registration:list"),
        ("Register an apprentice", "registration:create"),
        ("Upload a CSV", "registration:upload"),
        ("Messages", "notifications:inbox"),
    ],
    "employer": [
        ("Home", "home"),
        ("Apprentices", "registration:list"),
        ("Messages", "notifications:inbox"),
    ],
    "apprentice": [
        ("Home", "home"),
        ("My calendar", "planning:calendar"),
        ("Messages", "notifications:inbox"),
    ],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Service navigation links for the user's role, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    links = [(label, reverse(name)) for label, name in NAVIGATION.get(user.role, [])]
    # The longest link that the path starts with is the current one, so "Register an
    # apprentice" (/apprentices/register/) is current there rather than "Apprentices".
    matches = [
        url
        for _, url in links
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(matches, key=len) if matches else None
    return {
        "navigation": [
            {"label": label, "url": url, "current": url == current} for label, url in links
        ]
    }
