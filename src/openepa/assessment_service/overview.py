"""What the EPAO admin's pages show: the EPAO's items by state, the refusals with their fixes.

Every query starts from the admin's scope (:func:`items_for`); counts are made in the
database, lists are filtered and sorted there and read a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from openepa.accounts.models import User
from openepa.assessment_service.recording import WHOLE_REFUSAL
from openepa.registration.access import registrations_for
from openepa.registration.service_items import NOT_CONFIGURED, admin_words, state_words
from openepa.registration.service_models import ServiceItem
from openepa.rules.service_advice import (
    CLAIM,
    NOTHING,
    REGISTRATION,
    STANDARD,
    Advice,
    advice_for,
)

Kind = ServiceItem.Kind
State = ServiceItem.State

# The states a person reads, in the order the page lists them ("sending" counts as waiting).
SHOWN_STATES = (State.WAITING, State.HELD, State.SENT, State.REFUSED, State.SUBMITTED)


def items_for(user: User) -> QuerySet[ServiceItem]:
    """The EPA records and certificates of the registrations ``user`` may see."""
    return ServiceItem.objects.filter(
        epao_id=user.epao_id, registration__in=registrations_for(user)
    )


@dataclass(frozen=True)
class KindCounts:
    """How many items of one kind are in each state."""

    kind: str
    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        """Every item of the kind."""
        return sum(self.counts)


def counts_for(user: User) -> list[KindCounts]:
    """The EPAO's items counted by kind and state, in one query."""
    rows = (
        items_for(user)
        .order_by()
        .values_list("kind", "state")
        .annotate(n=Count("pk"))
        .values_list("kind", "state", "n")
    )
    counted: dict[tuple[str, str], int] = {}
    for kind, state, number in rows:
        shown = State.WAITING if state == State.SENDING else state
        counted[(kind, shown)] = counted.get((kind, shown), 0) + number
    return [
        KindCounts(kind, str(label), tuple(counted.get((kind, state), 0) for state in SHOWN_STATES))
        for kind, label in Kind.choices
    ]


def configuration_problem(user: User) -> ServiceItem | None:
    """The latest item waiting because the service refused a whole request (a setting to fix).

    Once the setting is fixed, the next run sends the items and the problem is gone.
    """
    return (
        items_for(user)
        .filter(state=State.WAITING, last_error__startswith=WHOLE_REFUSAL)
        .order_by("-updated_at", "-pk")
        .first()
    )


def refused_items(user: User) -> QuerySet[ServiceItem]:
    """The EPAO's refused items, the latest refused first."""
    return (
        items_for(user)
        .filter(state=State.REFUSED)
        .select_related("registration__apprentice")
        .order_by("-updated_at", "-pk")
    )


def waiting_items(user: User) -> QuerySet[ServiceItem]:
    """The EPAO's items not yet sent: waiting, being sent or held, the longest waiting first."""
    return (
        items_for(user)
        .filter(state__in=(State.WAITING, State.SENDING, State.HELD))
        .select_related("registration__apprentice")
        .order_by("updated_at", "pk")
    )


@dataclass(frozen=True)
class Fix:
    """One message of the service with what to do and the page of OpenEPA that fixes it."""

    advice: Advice
    url: str
    link_text: str


def fix_page(item: ServiceItem, advice: Advice) -> tuple[str, str]:
    """The page that fixes what ``advice`` says, and the words of its link ("" if none)."""
    if advice.fix == CLAIM:
        if item.claim_id:
            return reverse("claims:detail", args=[item.claim_id]), "Open the certificate claim"
        return reverse("claims:list"), "Open the certificate claims"
    if advice.fix == REGISTRATION:
        registration = item.registration
        if registration.is_read_only:
            return reverse("registration:detail", args=[registration.pk]), "Open the apprentice"
        return reverse("registration:correct", args=[registration.pk]), "Correct the details"
    if advice.fix == STANDARD:
        return reverse("settings"), "Open Settings"
    return "", ""


def fixes_of(item: ServiceItem) -> list[Fix]:
    """Each message the service refused the item with, with its fix."""
    fixes = []
    for message in item.messages or []:
        advice = advice_for(str(message), item.kind)
        url, text = fix_page(item, advice)
        fixes.append(Fix(advice, url, text))
    return fixes


def refused_rows(items: Any) -> list[dict[str, Any]]:
    """A page of refused items, each with its fixes and whether to offer "Send again".

    "Send again" is offered where a message is put right outside OpenEPA (at the service):
    what OpenEPA puts right is sent again by itself once it changes.
    """
    rows = []
    for item in items:
        fixes = fixes_of(item)
        outside = any(fix.advice.fix == NOTHING for fix in fixes)
        rows.append({"item": item, "fixes": fixes, "send_again": outside})
    return rows


def waiting_rows(items: Any, *, configured: bool) -> list[dict[str, Any]]:
    """A page of items not yet sent, each with why (held, an error, not configured) and when.

    "Next try" says when it is sent: never while sending is not configured or the item is
    held (until what holds it is put right), else at its next try or as soon as a worker is
    free.
    """
    rows = []
    for item in items:
        if item.state == State.HELD:
            why, when = state_words(item), "Once what holds it is put right"
        elif not configured:
            why, when = NOT_CONFIGURED, "Not until sending is configured"
        else:
            why = admin_words(item.last_error) if item.last_error else "Not sent yet"
            when = ""
        rows.append({"item": item, "why": why, "when": when})
    return rows
