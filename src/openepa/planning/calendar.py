"""Private iCalendar feeds and booking confirmations (RFC 5545), written by hand.

A person's feed lives at a secret URL: the token is shown once on their calendar page and only
its SHA-256 is stored (:class:`~openepa.planning.models.CalendarFeed`), so renewing the feed
makes the old URL stop working. An assessor's feed lists every booking they assess, an
apprentice's their own bookings, and both the deadlines of those apprentices' timelines.
Bookings of one person that overlap (stored before clashes were refused) are shown as one
"Double booked" event, so a feed never shows two events in one slot.

Text values are escaped (backslash, semicolon, comma, newline), lines end in CRLF and are
folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.kernel import clock, specs
from openepa.planning import clashes, evidence, timeline
from openepa.planning.models import AssessmentPlan, Booking, CalendarFeed
from openepa.registration.models import Registration
from openepa.rules.booking.clashes import overlap_groups
from openepa.rules.labels import method_name, mode_words

PRODUCT = "-//OpenEPA//Assessment calendar//EN"
ROLES_WITH_FEEDS = (User.Role.ASSESSOR, User.Role.APPRENTICE)


# --- the text format ---------------------------------------------------------------------


def escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545 section 3.3.11 requires."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets, each ending in CRLF."""
    encoded = line.encode("utf-8")
    parts: list[bytes] = []
    limit = 75
    while len(encoded) > limit:
        cut = limit
        # Do not split a multi-byte character: back up to the start of one.
        while cut > 0 and (encoded[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(encoded[:cut])
        encoded = encoded[cut:]
        limit = 74  # continuation lines start with a space
    parts.append(encoded)
    return "\r\n ".join(p.decode("utf-8") for p in parts) + "\r\n"


@dataclass(frozen=True)
class Event:
    """One calendar event: a booked assessment (timed or all-day) or an all-day deadline."""

    uid: str
    summary: str
    description: str
    day: date
    starts_at: datetime | None = None
    minutes: int = 0


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render(events: Iterable[Event], name: str, stamp: datetime) -> str:
    """A VCALENDAR of ``events``; ``stamp`` is the DTSTAMP of every event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{_utc(stamp)}"]
        if event.starts_at is not None:
            end = event.starts_at + timedelta(minutes=event.minutes or 60)
            lines += [f"DTSTART:{_utc(event.starts_at)}", f"DTEND:{_utc(end)}"]
        else:
            lines += [
                f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
            ]
        lines += [
            f"SUMMARY:{escape(event.summary)}",
            f"DESCRIPTION:{escape(event.description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


# --- what goes in a calendar -------------------------------------------------------------


def _host() -> str:
    return "openepa"


def booking_event(booking: Booking) -> Event:
    """A booked assessment as an event: timed where a start time is recorded."""
    registration = booking.registration
    spec, _ = specs.rules_of(registration)
    method = method_name(spec, booking.method_id)
    starts_at = None
    if booking.starts_at is not None:
        starts_at = timezone.make_aware(datetime.combine(booking.on, booking.starts_at))
    mode = mode_words(booking.mode)
    occasions = ", ".join(f"{m} minutes" for m in booking.minutes or ())
    description = (
        f"{method} ({mode}) for {registration.apprentice.full_name}, "
        f"{registration.specification.spec_id}. Assessor: {booking.assessor.full_name}."
    )
    if occasions:
        description += f" Planned: {occasions}."
    return Event(
        uid=f"booking-{booking.pk}@{_host()}",
        summary=f"{method}: {registration.apprentice.full_name}",
        description=description,
        day=booking.on,
        starts_at=starts_at,
        minutes=sum(int(m) for m in booking.minutes or ()),
    )


def double_booked_event(bookings: Sequence[Booking]) -> Event:
    """Bookings of one person that overlap, as one event that says so.

    A person's calendar never shows two events in one slot: bookings stored before clashes
    were refused (:mod:`openepa.planning.clashes`) are shown together, to be moved.
    """
    events = [booking_event(b) for b in bookings]
    slots = [clashes.slot_of(b) for b in bookings]
    start, end = min(s.start for s in slots), max(s.end for s in slots)
    timed = all(b.starts_at is not None for b in bookings)
    return Event(
        uid="double-booked-" + "-".join(str(b.pk) for b in bookings) + f"@{_host()}",
        summary="Double booked: " + "; ".join(e.summary for e in events),
        description=" ".join(e.description for e in events) + " Move one of these assessments.",
        day=start.date(),
        starts_at=timezone.make_aware(start) if timed else None,
        minutes=int((end - start).total_seconds() // 60) if timed else 0,
    )


def one_event_a_slot(bookings: Sequence[Booking]) -> list[Event]:
    """One person's bookings as events, those that overlap merged into one."""
    by_pk = {b.pk: b for b in bookings}
    found = []
    for group in overlap_groups(clashes.slot_of(b) for b in bookings):
        chosen = [by_pk[slot.ref] for slot in group]
        found.append(booking_event(chosen[0]) if len(chosen) == 1 else double_booked_event(chosen))
    return found


def deadline_events(
    registration: Registration,
    bookings: Sequence[Booking],
    plan: AssessmentPlan | None,
    evidenced: Mapping[str, evidence.Evidenced],
) -> list[Event]:
    """The registration's deadlines not yet done, as all-day events."""
    rules_plan = timeline.plan_for(registration, plan, bookings, evidenced=evidenced)
    if rules_plan is None:
        return []
    spec, _ = specs.rules_of(registration)
    events = []
    for index, entry in enumerate(timeline.entries(spec, rules_plan, bookings, date.min)):
        if entry.booking is not None or entry.done_on is not None:
            continue
        quote = f" {entry.quote}" if entry.quote else ""
        events.append(
            Event(
                uid=f"deadline-{registration.pk}-{index}-{entry.date:%Y%m%d}@{_host()}",
                summary=f"{entry.name} ({entry.limit}): {registration.apprentice.full_name}",
                description=f"{entry.produced_by}.{quote}",
                day=entry.date,
            )
        )
    return events


def feed_events(user: User) -> list[Event]:
    """The events of ``user``'s feed: their bookings and their apprentices' deadlines.

    An assessor's feed holds every booking they assess and the deadlines of the apprentices
    allocated to them; an apprentice's their own bookings and deadlines; anyone else's none.
    """
    registrations = Registration.objects.filter(epao_id=user.epao_id)
    bookings = Booking.objects.filter(
        status=Booking.Status.BOOKED, registration__epao_id=user.epao_id
    )
    if user.role == User.Role.ASSESSOR:
        registrations = registrations.filter(assessor_id=user.pk)
        bookings = bookings.filter(assessor_id=user.pk)
    elif user.role == User.Role.APPRENTICE:
        registrations = registrations.filter(apprentice__user_id=user.pk)
        bookings = bookings.filter(registration__apprentice__user_id=user.pk)
    else:
        return []
    mine = list(
        bookings.select_related(
            "assessor", "registration__apprentice", "registration__specification"
        ).order_by("on", "pk")
    )
    events = one_event_a_slot(mine)
    chosen = list(
        registrations.filter(gateway_date__isnull=False)
        .select_related("apprentice", "specification")
        .order_by("pk")
    )
    ids = [r.pk for r in chosen]
    plans = {p.registration_id: p for p in AssessmentPlan.objects.filter(registration_id__in=ids)}
    evidenced = evidence.evidence_dates(ids)
    by_registration: dict[int, list[Booking]] = {pk: [] for pk in ids}
    for booking in (
        Booking.objects.filter(registration_id__in=ids, status=Booking.Status.BOOKED)
        .select_related("assessor")
        .order_by("on", "pk")
    ):
        by_registration[booking.registration_id].append(booking)
    for registration in chosen:
        events += deadline_events(
            registration,
            by_registration[registration.pk],
            plans.get(registration.pk),
            evidenced[registration.pk],
        )
    return sorted(events, key=lambda e: (e.day, e.uid))


# --- the secret URL ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """The SHA-256 of a feed token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def renew_feed(user: User) -> str:
    """Give ``user`` a new secret feed token (the old URL stops working) and return it.

    Only the token's hash is kept, so the token is shown to the user once.
    """
    if user.role not in ROLES_WITH_FEEDS:
        raise ValueError("Only assessors and apprentices have calendar feeds")
    token = secrets.token_urlsafe(32)
    existing = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if existing is None:
        CalendarFeed.objects.create(user=user, token_hash=token_hash(token))
        action, summary = "calendar_feed.created", "Created a private calendar feed"
    else:
        existing.token_hash = token_hash(token)
        existing.created_at = clock.now()
        existing.save(update_fields=["token_hash", "created_at"])
        action, summary = "calendar_feed.renewed", "Renewed the private calendar feed"
    record_event(actor=user, epao=user.epao, action=action, obj=user, summary=summary)
    return token


def user_for_token(token: str) -> User | None:
    """The person whose feed ``token`` opens, or None for an unknown or renewed token."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__epao")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if feed is None or feed.user.role not in ROLES_WITH_FEEDS:
        return None
    return feed.user
