"""Inviting apprentices to OpenEPA: when they are registered, and again from their page.

Registration sits below people, so registering publishes
:class:`openepa.registration.events.ApprenticesRegistered` and people subscribes to it
(:mod:`openepa.people.subscriptions`): once the registrations are saved, a background task
invites each registered apprentice who has no account and no invitation waiting. The
apprentice's provider (or an EPAO admin) can invite them again from the apprentice's page;
the newest link is the only one that works. The invitation's token is made inside the task,
so it is never stored in the database, only its hash.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django_tasks import task

from openepa.accounts.models import Invitation, User
from openepa.people import services
from openepa.registration.models import Apprentice

log = logging.getLogger(__name__)
MAIL_ERRORS = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class AccountState:
    """Whether an apprentice can sign in, and the invitation waiting for them, if any."""

    has_account: bool
    invitation: Invitation | None
    status: str

    @property
    def invited_until(self) -> datetime | None:
        """When the waiting invitation's link stops working."""
        return self.invitation.expires_at if self.invitation else None


def account_state(apprentice: Apprentice) -> AccountState:
    """The apprentice's account, or the latest invitation sent to their email address."""
    if apprentice.user_id is not None or services.has_account(apprentice.email):
        return AccountState(True, None, "account")
    invitation = (
        Invitation.objects.filter(
            epao_id=apprentice.epao_id,
            email=services.normalise_email(apprentice.email),
            role=User.Role.APPRENTICE,
            accepted_at__isnull=True,
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if invitation is None:
        return AccountState(False, None, "not_invited")
    return AccountState(False, invitation, services.invitation_status(invitation))


def invite_apprentice(actor: User, apprentice: Apprentice) -> tuple[Invitation, str]:
    """Invite the apprentice to choose a password; returns the invitation and its token.

    An earlier invitation still open is closed (:func:`openepa.people.services.invite`).
    Refused with ``ValueError`` when the apprentice already has an account.
    """
    if account_state(apprentice).has_account:
        raise ValueError(f"{apprentice.full_name} already has an OpenEPA account")
    return services.invite(
        actor=actor,
        email=apprentice.email,
        full_name=apprentice.full_name,
        role=User.Role.APPRENTICE,
    )


def needs_invitation(apprentice: Apprentice) -> bool:
    """Whether the apprentice has no account and no invitation waiting for them."""
    state = account_state(apprentice)
    return not state.has_account and state.status != "pending"


def enqueue_invitations(apprentice_ids: Sequence[int], actor: User) -> None:
    """Invite these apprentices in a task once the current transaction commits."""
    ids = sorted(set(apprentice_ids))
    transaction.on_commit(lambda: invite_registered.enqueue(ids, actor.pk))


@task()
def invite_registered(apprentice_ids: list[int], actor_id: int) -> int:
    """Invite each newly registered apprentice who needs it; returns how many were emailed.

    Safe to run twice: an apprentice with an invitation waiting is not invited again. An
    email the mail server refuses is logged; the invitation stays, and the provider can
    invite again from the apprentice's page.
    """
    actor = User.objects.select_related("epao", "organisation").get(pk=actor_id)
    sent = 0
    for apprentice in Apprentice.objects.filter(pk__in=apprentice_ids).order_by("pk"):
        if not needs_invitation(apprentice):
            continue
        try:
            invitation, token = invite_apprentice(actor, apprentice)
        except ValueError:
            continue
        try:
            services.send_invitation(invitation, token)
        except MAIL_ERRORS:
            log.exception("Could not send the invitation email to %s", invitation.email)
            continue
        sent += 1
    return sent
