"""Sending notifications: render them once, keep them, send them in the background.

Other areas call :func:`notify` inside the transaction that makes the change, after the
change. It renders the kind's templates for each person, stores the result (so the person's
"Messages" page shows exactly what was sent) and enqueues
:func:`openepa.notifications.tasks.send_notification` when the transaction commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse

from openepa.accounts.models import Organisation, User
from openepa.audit.services import record_event
from openepa.notifications.kinds import KINDS, REMINDER_KINDS
from openepa.notifications.models import (
    Notification,
    NotificationAttachment,
    NotificationPreference,
)
from openepa.registration.models import Registration


@dataclass(frozen=True)
class Attachment:
    """A file to send with a notification."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass(frozen=True)
class Rendered:
    """A notification's text as it is sent."""

    subject: str
    body: str
    html: str


@cache
def _text_engine() -> Engine:
    """Django's template language without HTML escaping, for plain-text emails.

    The ``labels`` library (a specification's ids in words) is loaded by the emails too.
    """
    dirs: list[str] = []
    for options in settings.TEMPLATES:
        found: Any = options.get("DIRS", [])
        dirs += [str(d) for d in found]
    labels = {"labels": "openepa.specifications.templatetags.labels"}
    return Engine(dirs=dirs, app_dirs=True, autoescape=False, libraries=labels)


def _tidy(text: str) -> str:
    """Text without trailing spaces and with at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render(kind: str, context: dict[str, Any]) -> Rendered:
    """The subject, plain-text body and (where the kind has one) HTML body of ``kind``."""
    known = KINDS[kind]
    engine = _text_engine()
    subject = " ".join(
        engine.get_template(known.subject_template)
        .render(Context(context, autoescape=False))
        .split()
    )
    body = _tidy(
        engine.get_template(known.body_template).render(Context(context, autoescape=False))
    )
    try:
        html = str(render_to_string(known.html_template, context))
    except TemplateDoesNotExist:
        html = ""
    return Rendered(subject=subject[:250], body=body, html=html)


def link(name: str, *args: Any) -> str:
    """The full address of an OpenEPA page, for an email."""
    return settings.SITE_URL + reverse(name, args=args)


def people_of(*organisations: Organisation | int | None) -> QuerySet[User]:
    """The active users of the given organisations."""
    ids = [o if isinstance(o, int) else o.pk for o in organisations if o is not None]
    return User.objects.filter(organisation_id__in=ids, is_active=True).order_by("pk")


def epao_admins(epao: Organisation | int) -> QuerySet[User]:
    """The active EPAO admins of an EPAO."""
    epao_id = epao if isinstance(epao, int) else epao.pk
    return User.objects.filter(epao_id=epao_id, role=User.Role.EPAO_ADMIN, is_active=True).order_by(
        "pk"
    )


def parties(
    registration: Registration,
    *,
    apprentice: bool = True,
    provider: bool = True,
    employer: bool = True,
) -> list[User]:
    """The apprentice's user (if they have one) and the provider's and employer's users."""
    people: list[User] = []
    if apprentice:
        user = registration.apprentice.user
        if user is not None:
            people.append(user)
    orgs = [registration.provider_id if provider else None]
    orgs.append(registration.employer_id if employer else None)
    people += list(people_of(*[o for o in orgs if o is not None]))
    return people


def turned_off(users: Sequence[User], kind: str) -> set[int]:
    """The ids of the users who turned reminders of ``kind`` off."""
    if kind not in REMINDER_KINDS:
        return set()
    return set(
        NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], kind=kind, wants=False
        ).values_list("user_id", flat=True)
    )


def _enqueue(notification_id: int) -> None:
    from openepa.notifications.tasks import send_notification

    send_notification.enqueue(notification_id)


def notify(
    *,
    users: Iterable[User | None],
    kind: str,
    key: str,
    context: dict[str, Any],
    registration: Registration | None = None,
    attachments: Sequence[Attachment] = (),
) -> list[Notification]:
    """Send ``kind`` to each of ``users`` once per ``key``; returns the notifications made now.

    The templates are rendered now, with ``context`` plus ``user``, ``site_url`` and
    ``registration``, and the result is stored with the attachments. Nothing is made for a
    person without an email address, an inactive person, a person who already has a
    notification with this key, or (for reminders) a person who turned that reminder off.
    Sending happens in the background once the current transaction commits.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    people: dict[int, User] = {}
    for user in users:
        if user is not None and user.pk and user.is_active and user.email:
            people.setdefault(user.pk, user)
    if not people:
        return []
    skipped = turned_off(list(people.values()), kind)
    skipped |= set(
        Notification.objects.filter(key=key, user_id__in=list(people)).values_list(
            "user_id", flat=True
        )
    )
    made: list[Notification] = []
    for user in people.values():
        if user.pk in skipped:
            continue
        text = render(
            kind,
            {
                "registration": registration,
                **context,
                "user": user,
                "site_url": settings.SITE_URL,
            },
        )
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    registration=registration,
                    kind=kind,
                    key=key[:200],
                    subject=text.subject,
                    body=text.body,
                    html=text.html,
                    to_email=user.email,
                )
        except IntegrityError:  # made at the same moment by another request
            continue
        NotificationAttachment.objects.bulk_create(
            NotificationAttachment(
                notification=notification,
                filename=a.filename,
                mimetype=a.mimetype,
                content=a.content,
            )
            for a in attachments
        )
        transaction.on_commit(partial(_enqueue, notification.pk))
        made.append(notification)
    return made


def inbox(user: User) -> QuerySet[Notification]:
    """What was sent to ``user``, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def wanted_reminders(user: User) -> list[str]:
    """The reminder kinds ``user`` gets (all unless turned off)."""
    off = set(
        NotificationPreference.objects.filter(user=user, wants=False).values_list("kind", flat=True)
    )
    return [kind for kind in REMINDER_KINDS if kind not in off]


@transaction.atomic
def set_reminders(user: User, wanted: Iterable[str]) -> dict[str, tuple[bool, bool]]:
    """Record which reminders ``user`` wants; returns each changed kind's (old, new)."""
    chosen = set(wanted)
    current = {
        p.kind: p for p in NotificationPreference.objects.select_for_update().filter(user=user)
    }
    changes: dict[str, tuple[bool, bool]] = {}
    for kind in REMINDER_KINDS:
        want = kind in chosen
        row = current.get(kind)
        old = row.wants if row is not None else True
        if old == want:
            continue
        changes[kind] = (old, want)
        if row is None:
            NotificationPreference.objects.create(user=user, kind=kind, wants=want)
        else:
            row.wants = want
            row.save(update_fields=["wants"])
    if changes:
        record_event(
            actor=user,
            epao=user.epao,
            action="notifications.reminders_changed",
            obj=user,
            summary="Changed which reminders they get by email",
            changes={KINDS[kind].label: values for kind, values in changes.items()},
        )
    return changes


def resend_failed(user: User | None = None) -> int:
    """Try again every notification that could not be delivered; returns how many."""
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    if user is not None:
        failed = failed.filter(user=user)
    ids = list(failed.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(status=Notification.Status.QUEUED, attempts=0)
    for pk in ids:
        transaction.on_commit(partial(_enqueue, pk))
    return len(ids)
