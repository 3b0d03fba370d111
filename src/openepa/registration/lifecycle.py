"""A registration's life after it is made: on hold for a break in learning, resumed, withdrawn.

Correcting the details is :mod:`openepa.registration.corrections`, a transfer to another
provider or employer :mod:`openepa.registration.transfers`; both use the checks here.

- **On hold** (a break in learning, with a reason, its first day and the expected return):
  the registration's status is ``on_hold`` and what it was before is kept with the break.
  Nothing runs while it is on hold: the gateway cannot be worked on, nothing is booked or
  recorded (:func:`work_problem`), and the daily sweep sends no reminders (it reminds only
  registrations whose gateway is accepted). The EPA window end is shown as paused.
- **Resumed**: the status it had comes back, and the EPA window end moves on by the days on
  hold inside the window (:func:`openepa.rules.breaks.window_after_break` says why).
- **Withdrawn** (by an EPAO admin, with a reason): :class:`RegistrationWithdrawn` is
  published, so planning cancels the open bookings and notifications tells the parties, and
  the registration is read-only from then on.

Every change is audited with who, when and why, and made by compare-and-swap on the
registration's ``revision``: a page that showed an older revision is refused with who changed
it (:class:`RegistrationChanged`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openepa.accounts.models import User
from openepa.audit.models import AuditEvent
from openepa.audit.services import record_event
from openepa.kernel import clock, events, specs
from openepa.registration.events import RegistrationWithdrawn
from openepa.registration.models import BreakInLearning, Registration
from openepa.rules.breaks import WindowMove, window_after_break
from openepa.rules.dates import long_date
from openepa.rules.gateway_rules import epa_window_rule

Role = User.Role
Status = Registration.Status

#: Who may correct details and put on hold or resume: the EPAO admin and the provider.
CARETAKERS = (Role.EPAO_ADMIN, Role.PROVIDER)
#: The statuses a registration may be put on hold from.
HOLDABLE = (Status.REGISTERED, Status.GATEWAY, Status.GATEWAY_ACCEPTED)


class LifecycleRefused(Exception):  # noqa: N818 (a refusal with a message for the user)
    """A change the rules do not allow, with what to do; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RegistrationChanged(LifecycleRefused):
    """Someone else changed the registration since the person's page showed it."""


# --- what every change checks -----------------------------------------------------------


def work_problem(registration: Registration) -> str | None:
    """Why nothing may be done on the registration now (withdrawn, on hold), or None.

    The apps above registration (gateway, planning, assessment, submissions) ask this before
    changing anything of a registration.
    """
    name = registration.apprentice.full_name
    if registration.status == Status.WITHDRAWN:
        withdrawn = registration.withdrawn_on
        return (
            f"{name}'s registration was withdrawn"
            + (f" on {long_date(withdrawn)}" if withdrawn else "")
            + ": it is read-only and can no longer be changed"
        )
    if registration.status == Status.ON_HOLD:
        return (
            f"{name}'s registration is on hold for a break in learning: nothing can be booked, "
            "recorded or submitted until the EPAO or the training provider resumes it"
        )
    return None


def withdrawn_message(registration: Registration) -> str:
    """Why a withdrawn registration's pages change nothing."""
    return (
        f"{registration.apprentice.full_name}'s registration is withdrawn: it can no longer "
        "be changed"
    )


def require_actor(actor: User, registration: Registration, roles: tuple[str, ...]) -> None:
    """Refuse an actor of another role, EPAO or (for a provider) another provider."""
    allowed = actor.role in roles and actor.epao_id == registration.epao_id
    if allowed and actor.role == Role.PROVIDER:
        allowed = actor.organisation_id == registration.provider_id
    if not allowed:
        who = "an EPAO admin" if roles == (Role.EPAO_ADMIN,) else "the EPAO or the provider"
        raise LifecycleRefused(f"Only {who} can make this change")


def changed_message(registration: Registration) -> str:
    """Who changed the registration last, and when: for the person whose page is out of date."""
    event = (
        AuditEvent.objects.filter(registration_id=registration.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return (
            "Someone else changed this registration while you were working on it: check the "
            "page and try again"
        )
    who = event.actor.full_name if event.actor else "Someone else"
    at = timezone.localtime(event.at)
    return (
        f"{who} changed this registration at {at:%H:%M} on {long_date(at.date())} while you "
        f"were working on it ({event.summary}): check the page and try again"
    )


def locked(registration: Registration, revision: int) -> Registration:
    """The registration locked for change; refused if withdrawn or changed since ``revision``."""
    fresh = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("apprentice", "provider", "employer", "specification", "epao")
        .get(pk=registration.pk)
    )
    if fresh.is_read_only:
        raise LifecycleRefused(withdrawn_message(fresh))
    if fresh.revision != revision:
        raise RegistrationChanged(changed_message(fresh))
    return fresh


def require_reason(reason: str, message: str) -> str:
    """The reason without surrounding spaces; refused if empty."""
    text = reason.strip()
    if not text:
        raise LifecycleRefused(message, field="reason")
    return text


def save(registration: Registration, fresh: Registration, values: dict[str, Any]) -> None:
    """Write ``values`` and the next revision, then copy them onto both objects."""
    Registration.objects.filter(pk=fresh.pk).update(
        **values, revision=F("revision") + 1, updated_at=clock.now()
    )
    new_revision = fresh.revision + 1
    for target in (fresh, registration):
        for name, value in values.items():
            setattr(target, name, value)
        target.revision = new_revision


def audit(
    actor: User,
    registration: Registration,
    action: str,
    summary: str,
    changes: dict[str, tuple[Any, Any]],
    reason: str,
) -> None:
    """One audit event of the registration."""
    record_event(
        actor=actor,
        epao=registration.epao,
        action=action,
        obj=registration,
        registration=registration,
        summary=summary,
        changes=changes,
        reason=reason,
    )


# --- on hold and resumed ----------------------------------------------------------------


@transaction.atomic
def hold(
    registration: Registration,
    actor: User,
    *,
    held_from: date,
    expected_return: date,
    reason: str,
    revision: int,
) -> BreakInLearning:
    """Put the registration on hold for a break in learning from ``held_from``; audited.

    The break must have started (today or earlier) and end after it starts.
    """
    require_actor(actor, registration, CARETAKERS)
    fresh = locked(registration, revision)
    reason = require_reason(reason, "Enter the reason for the break in learning")
    if fresh.status not in HOLDABLE:
        raise LifecycleRefused(
            f"{fresh.apprentice.full_name}'s registration is {fresh.get_status_display().lower()}"
            ": it cannot be put on hold"
        )
    if held_from > clock.today():
        raise LifecycleRefused(
            "The break must have started: record it on or after its first day, "
            f"{long_date(held_from)}",
            field="held_from",
        )
    if expected_return <= held_from:
        raise LifecycleRefused(
            "Expected return must be after the first day of the break", field="expected_return"
        )
    record = BreakInLearning.objects.create(
        registration=fresh,
        held_from=held_from,
        expected_return=expected_return,
        reason=reason,
        status_before=fresh.status,
        recorded_by=actor,
        recorded_at=clock.now(),
        window_end_before=fresh.epa_window_end,
    )
    old_status = fresh.status
    save(registration, fresh, {"status": Status.ON_HOLD})
    audit(
        actor,
        fresh,
        "registration.held",
        f"{fresh.apprentice.full_name} put on hold (break in learning) from "
        f"{long_date(held_from)}, expected back {long_date(expected_return)}",
        {
            "status": (old_status, Status.ON_HOLD),
            "held_from": (None, held_from),
            "expected_return": (None, expected_return),
        },
        reason,
    )
    return record


def window_move(
    registration: Registration, record: BreakInLearning, resumed_on: date
) -> WindowMove | None:
    """How the EPA window end moves when the registration resumes, if its window is open."""
    if registration.epa_window_end is None or registration.gateway_date is None:
        return None
    spec, _ = specs.rules_of(registration)
    rule = epa_window_rule(spec)
    if rule is None or rule.at_most is None:
        return None
    return window_after_break(
        rule.at_most.unit,
        registration.epa_window_end,
        registration.gateway_date,
        record.held_from,
        resumed_on,
    )


@transaction.atomic
def resume(
    registration: Registration, actor: User, *, resumed_on: date, revision: int, note: str = ""
) -> BreakInLearning:
    """The apprentice is back from the break on ``resumed_on``: the clocks run again; audited.

    The status before the break comes back and the EPA window end moves on by the days on
    hold (see :mod:`openepa.rules.breaks`).
    """
    require_actor(actor, registration, CARETAKERS)
    fresh = locked(registration, revision)
    record = fresh.current_break
    if record is None:
        raise LifecycleRefused(f"{fresh.apprentice.full_name}'s registration is not on hold")
    if resumed_on < record.held_from or resumed_on > clock.today():
        raise LifecycleRefused(
            f"Enter the day the apprentice came back: between the first day of the break, "
            f"{long_date(record.held_from)}, and today",
            field="resumed_on",
        )
    move = window_move(fresh, record, resumed_on)
    values: dict[str, Any] = {"status": record.status_before}
    changes: dict[str, tuple[Any, Any]] = {
        "status": (Status.ON_HOLD, record.status_before),
        "resumed_on": (None, resumed_on),
    }
    if move is not None and move.new_end != move.old_end:
        values["epa_window_end"] = move.new_end
        changes["epa_window_end"] = (move.old_end, move.new_end)
    record.resumed_on, record.resumed_by = resumed_on, actor
    record.window_end_after = values.get("epa_window_end", fresh.epa_window_end)
    record.save(update_fields=["resumed_on", "resumed_by", "window_end_after"])
    save(registration, fresh, values)
    summary = f"{fresh.apprentice.full_name} resumed on {long_date(resumed_on)}"
    if move is not None:
        summary += f". {move.explanation}"
    audit(actor, fresh, "registration.resumed", summary, changes, note.strip())
    return record


# --- withdrawn --------------------------------------------------------------------------


@transaction.atomic
def withdraw(registration: Registration, actor: User, *, reason: str, revision: int) -> None:
    """Withdraw the registration (EPAO admin only): it becomes read-only; audited.

    Publishes :class:`RegistrationWithdrawn` inside the transaction: planning cancels the
    open bookings and notifications tells the parties.
    """
    require_actor(actor, registration, (Role.EPAO_ADMIN,))
    fresh = locked(registration, revision)
    reason = require_reason(reason, "Enter the reason the registration is withdrawn")
    if fresh.status == Status.COMPLETED:
        raise LifecycleRefused(
            f"{fresh.apprentice.full_name}'s assessment is completed: it cannot be withdrawn"
        )
    today = clock.today()
    old_status = fresh.status
    save(
        registration,
        fresh,
        {"status": Status.WITHDRAWN, "withdrawn_on": today, "withdrawal_reason": reason},
    )
    audit(
        actor,
        fresh,
        "registration.withdrawn",
        f"{fresh.apprentice.full_name}'s registration on {fresh.standard} withdrawn on "
        f"{long_date(today)}",
        {"status": (old_status, Status.WITHDRAWN), "withdrawn_on": (None, today)},
        reason,
    )
    events.publish(RegistrationWithdrawn(fresh, actor, reason))
