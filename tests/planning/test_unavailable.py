"""Alice the EPAO admin records the dates Anna the assessor cannot assess, and removes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.planning.models import UnavailablePeriod


def _dates(first: tuple[int, int, int], last: tuple[int, int, int]) -> dict[str, int]:
    return {
        "first_day_day": first[0],
        "first_day_month": first[1],
        "first_day_year": first[2],
        "last_day_day": last[0],
        "last_day_month": last[1],
        "last_day_year": last[2],
    }


def test_alice_adds_and_removes_unavailable_dates(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    client = login(alice)
    url = reverse("planning:unavailable_add", args=[anna.pk])
    assert client.get(url).status_code == 200
    data = {**_dates((10, 8, 2026), (21, 8, 2026)), "note": "Annual leave"}
    assert client.post(url, data).status_code == 302
    period = UnavailablePeriod.objects.get()
    assert (period.first_day, period.last_day) == (date(2026, 8, 10), date(2026, 8, 21))
    added = AuditEvent.objects.get(action="planning.unavailable_added")
    assert added.changes["unavailable"] == {"old": None, "new": "2026-08-10 to 2026-08-21"}

    remove = reverse("planning:unavailable_remove", args=[anna.pk, period.pk])
    assert client.post(remove).status_code == 302
    assert not UnavailablePeriod.objects.exists()
    removed = AuditEvent.objects.get(action="planning.unavailable_removed")
    assert removed.changes["unavailable"] == {"old": "2026-08-10 to 2026-08-21", "new": None}


def test_a_last_day_before_the_first_is_explained(
    login: Callable[[User], Client], alice: User, anna: User
) -> None:
    url = reverse("planning:unavailable_add", args=[anna.pk])
    response = login(alice).post(url, _dates((21, 8, 2026), (10, 8, 2026)))
    assert "The last day must be the same as or after the first day" in response.content.decode()
    assert not UnavailablePeriod.objects.exists()


def test_anna_cannot_change_her_own_dates(login: Callable[[User], Client], anna: User) -> None:
    url = reverse("planning:unavailable_add", args=[anna.pk])
    assert login(anna).post(url, _dates((10, 8, 2026), (21, 8, 2026))).status_code == 403
