"""Why an item due at the assessment service is held, not sent, in words (no queries).

An item is *held* while something OpenEPA must put right first stops it being sent: its
claim in draft or failing its checks, or no standard named. The reason is kept in
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
NO_STANDARD = (
    "the EPA record names no standard: neither a LARS code nor a standard reference; check "
    "the registration's standard"
)


def standard_missing(payload: dict[str, Any]) -> str:
    """Why an EPA record cannot be sent for want of its standard ("" when it names one).

    The service finds the standard by its LARS code or by its reference (the published
    client's README: "Request body can either use numeric standardCode (LARS Standard code) or
    standardReference (IfATE STxxxx reference) to identify the standard"); a record naming
    neither is never sent.
    """
    standard = payload.get("standard") or {}
    if standard.get("standardCode") or standard.get("standardReference"):
        return ""
    return NO_STANDARD
