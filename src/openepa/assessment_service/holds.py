"""Why an item due at the assessment service is held, not sent, in words (no queries).

An item is *held* while something OpenEPA must put right first stops it being sent: its
claim in draft or failing its checks, or no LARS code for its standard. The reason is kept in
``ServiceItem.held_reason`` and shown as "Held: <reason>".
"""

from __future__ import annotations

from typing import Any

CLAIM_CHANGED = (
    "the claim changed on {day} and is in draft: the certificate is sent once the claim is "
    "marked ready again"
)
CLAIM_IN_DRAFT = "the claim is in draft: the certificate is sent once the claim is marked ready"
FAILS_CHECKS = (
    "the claim fails its checks: {problems}. Correct the claim; it is sent once it passes"
)
NO_LARS_CODE = (
    "the standard {reference} has no LARS code: set it on the Standards at the assessment "
    "service page, and the EPA record is sent"
)


def lars_code_missing(payload: dict[str, Any]) -> str:
    """Why an EPA record cannot be sent for want of its LARS code ("" when it has one).

    The service finds the standard by its code (``standardCode``); an EPA record without one
    is never sent.
    """
    standard = payload.get("standard") or {}
    if standard.get("standardCode"):
        return ""
    return NO_LARS_CODE.format(reference=standard.get("standardReference") or "")
