"""Calendars: each assessor's and apprentice's private iCalendar feed, and a booking's .ics.

Anna assesses Pat (st0071-highfield, gateway 3 August 2026); Aziz assesses Sam at the same
EPAO. Pat's family name is "Smith, Jones; Esq" so that escaping shows. The feed is reached with
its secret token alone, without signing in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openepa.accounts.models import User
from openepa.planning import calendar
from openepa.planning.models import Booking, CalendarFeed
from openepa.registration.models import Registration


def book(registration: Registration, method: str, on: date, assessor: User, by: User) -> Booking:
    return Booking.objects.create(
        registration=registration,
        method_id=method,
        on=on,
        starts_at=time(10, 0),
        minutes=[60],
        mode="face_to_face",
        assessor=assessor,
        booked_by=by,
        booked_on=date(2026, 8, 10),
    )


@pytest.fixture
def world(
    past_gateway: Callable[..., Registration], pat: User, anna: User, aziz: User, alice: User
) -> dict[str, Booking]:
    pats = past_gateway(
        given_names="Pat", family_name="Smith, Jones; Esq", apprentice_user=pat, assessor=anna
    )
    sams = past_gateway(given_names="Sam", family_name="Other", assessor=aziz)
    return {
        "pat": book(pats, "project", date(2026, 9, 14), anna, alice),
        "sam": book(sams, "project", date(2026, 9, 15), aziz, alice),
    }


def feed_token(client: Client) -> str:
    """Make (or renew) the signed-in person's feed and read the token off their page."""
    response = client.post(reverse("planning:calendar_renew"), follow=True)
    url = response.context["feed_url"]
    assert url.startswith("http://testserver/planning/calendar/")
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def unfolded(text: str) -> str:
    return text.replace("\r\n ", "")


def test_text_is_escaped_and_long_lines_folded_at_75_octets() -> None:
    assert calendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 100
    folded = calendar.fold(line)
    assert folded.endswith("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert unfolded(folded) == line + "\r\n"


def test_annas_feed_lists_her_bookings_and_deadlines_without_signing_in(
    world: dict[str, Booking], login: Callable[[User], Client], anna: User
) -> None:
    client = login(anna)
    token = feed_token(client)
    client.logout()

    response = client.get(reverse("planning:calendar_feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")
    flat = unfolded(text)
    assert "BEGIN:VEVENT" in flat
    assert f"UID:booking-{world['pat'].pk}@openepa" in flat
    assert "DTSTART:20260914T090000Z" in flat  # 10:00 in London in September
    assert "Pat Smith\\, Jones\\; Esq" in flat
    assert "DTSTART;VALUE=DATE:20261102" in flat  # the EPA window end
    assert "Sam Other" not in flat


def test_pats_feed_has_only_his_own_bookings(
    world: dict[str, Booking], login: Callable[[User], Client], pat: User
) -> None:
    client = login(pat)
    token = feed_token(client)

    flat = unfolded(client.get(reverse("planning:calendar_feed", args=[token])).content.decode())

    assert f"UID:booking-{world['pat'].pk}@openepa" in flat
    assert f"UID:booking-{world['sam'].pk}@openepa" not in flat


def test_renewing_makes_the_old_address_stop_working(
    world: dict[str, Booking], login: Callable[[User], Client], anna: User
) -> None:
    client = login(anna)
    old = feed_token(client)
    new = feed_token(client)

    assert client.get(reverse("planning:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("planning:calendar_feed", args=[new])).status_code == 200
    feed = CalendarFeed.objects.get(user=anna)
    assert feed.token_hash == hashlib.sha256(new.encode()).hexdigest()


def test_the_address_is_shown_once(
    world: dict[str, Booking], login: Callable[[User], Client], anna: User
) -> None:
    client = login(anna)
    feed_token(client)

    response = client.get(reverse("planning:calendar"))

    assert response.context["feed_url"] is None
    assert "It is not shown again" in response.content.decode()


def test_an_unknown_token_is_not_found(world: dict[str, Booking], client: Client) -> None:
    assert client.get(reverse("planning:calendar_feed", args=["guess"])).status_code == 404


def test_only_assessors_and_apprentices_have_feeds(
    login: Callable[[User], Client], alice: User
) -> None:
    client = login(alice)

    assert client.get(reverse("planning:calendar")).status_code == 403
    assert client.post(reverse("planning:calendar_renew")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_a_booking_confirmation_downloads_as_ics(
    world: dict[str, Booking], login: Callable[[User], Client], pat: User
) -> None:
    booking = world["pat"]
    url = reverse("planning:booking_ics", args=[booking.registration_id, booking.pk])

    response = login(pat).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="booking-{booking.pk}.ics"' in response["Content-Disposition"]
    flat = unfolded(response.content.decode())
    assert "SUMMARY:Work-based project supported by an interview: Pat Smith\\, Jones" in flat
    assert "DTEND:20260914T100000Z" in flat


# Everyone who may see Pat's registration may download the confirmation; others cannot find it.
WHO = {
    "alice": 200,
    "anna": 200,
    "ivy": 200,
    "bob": 200,
    "erin": 200,
    "pat": 200,
    "aziz": 404,
    "charlie": 404,
    "eve": 404,
    "mallory": 404,
}


@pytest.mark.parametrize(("person", "status"), sorted(WHO.items()))
def test_who_may_download_pats_booking(
    world: dict[str, Booking],
    login: Callable[[User], Client],
    person: str,
    status: int,
    request: Any,
    ivy: User,
) -> None:
    booking = world["pat"]
    Registration.objects.filter(pk=booking.registration_id).update(iqa=ivy)
    url = reverse("planning:booking_ics", args=[booking.registration_id, booking.pk])

    assert login(request.getfixturevalue(person)).get(url).status_code == status


def test_signed_out_the_booking_download_asks_to_sign_in(
    world: dict[str, Booking], client: Client
) -> None:
    booking = world["pat"]
    url = reverse("planning:booking_ics", args=[booking.registration_id, booking.pk])

    assert client.get(url).status_code == 302


def test_another_apprentices_booking_cannot_be_reached_through_mine(
    world: dict[str, Booking], login: Callable[[User], Client], pat: User
) -> None:
    sams = world["sam"]
    url = reverse("planning:booking_ics", args=[world["pat"].registration_id, sams.pk])

    assert login(pat).get(url).status_code == 404
