"""Which people a due reminder goes to, and sending it to each of them once.

:func:`openepa.rules.reminders.reminders_due` decides which of a batch's deadlines (from
:mod:`openepa.sweep.deadlines`) are due today, within ``settings.REMINDER_LEAD_DAYS`` before
the deadline. :func:`send_reminders` sends each to the people concerned (:data:`PEOPLE`)
through :func:`openepa.notifications.services.notify`, whose key sends each reminder to each
person once however many times the sweep runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from openepa.accounts.models import User
from openepa.notifications.services import link, notify
from openepa.registration.models import Registration
from openepa.rules.reminders import Kind, Reminder

# Who is reminded of each kind of deadline.
PEOPLE: dict[Kind, tuple[str, ...]] = {
    "submission_due": ("apprentice", "provider", "employer", "assessor"),
    "window_ending": ("apprentice", "provider", "employer", "assessor"),
    "resit_deadline": ("apprentice", "employer", "provider"),
    "results_due": ("epao_admins",),
}


# --- who is reminded ----------------------------------------------------------------------


@dataclass
class People:
    """The users of a batch's organisations and EPAOs, read at once."""

    by_organisation: dict[int, list[User]]
    admins_by_epao: dict[int, list[User]]

    @classmethod
    def of(cls, registrations: Sequence[Registration]) -> People:
        organisations = {r.provider_id for r in registrations} | {
            r.employer_id for r in registrations
        }
        epaos = {r.epao_id for r in registrations}
        by_organisation: dict[int, list[User]] = {}
        admins: dict[int, list[User]] = {}
        for user in (
            User.objects.filter(is_active=True)
            .filter(
                Q(
                    organisation_id__in=organisations,
                    role__in=[User.Role.PROVIDER, User.Role.EMPLOYER],
                )
                | Q(epao_id__in=epaos, role=User.Role.EPAO_ADMIN)
            )
            .order_by("pk")
        ):
            if user.role == User.Role.EPAO_ADMIN:
                admins.setdefault(user.epao_id, []).append(user)
            else:
                by_organisation.setdefault(user.organisation_id or 0, []).append(user)
        return cls(by_organisation, admins)

    def for_reminder(self, registration: Registration, kind: Kind) -> list[User]:
        """The people to remind of a deadline of this kind, each once."""
        people: list[User] = []
        for who in PEOPLE[kind]:
            if who == "apprentice":
                user = registration.apprentice.user
                if user is not None and user.is_active:
                    people.append(user)
            elif who == "provider":
                people.extend(
                    u
                    for u in self.by_organisation.get(registration.provider_id, [])
                    if u.role == User.Role.PROVIDER
                )
            elif who == "employer":
                people.extend(
                    u
                    for u in self.by_organisation.get(registration.employer_id, [])
                    if u.role == User.Role.EMPLOYER
                )
            elif who == "assessor":
                if registration.assessor is not None and registration.assessor.is_active:
                    people.append(registration.assessor)
            elif who == "epao_admins":
                people.extend(self.admins_by_epao.get(registration.epao_id, []))
        return list({u.pk: u for u in people}.values())


def reminder_context(registration: Registration, reminder: Reminder) -> dict[str, Any]:
    """What a reminder's email templates are given (``notify`` adds the registration)."""
    return {
        "what": reminder.what,
        "rule": reminder.rule,
        "deadline": reminder.due,
        "days_left": reminder.days_left,
        "link": link("planning:timeline", registration.pk),
    }


def send_reminders(registrations: Sequence[Registration], reminders: Sequence[Reminder]) -> int:
    """Send each reminder to its people; the number of notifications notify returned."""
    if not reminders:
        return 0
    by_pk = {r.pk: r for r in registrations}
    people = People.of(registrations)
    sent = 0
    for reminder in reminders:
        registration = by_pk[reminder.registration_id]
        users = people.for_reminder(registration, reminder.kind)
        if not users:
            continue
        sent += len(
            notify(
                users=users,
                kind=f"reminder_{reminder.kind}",
                key=reminder.key,
                context=reminder_context(registration, reminder),
                registration=registration,
            )
        )
    return sent
