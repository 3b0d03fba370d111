"""People and organisations: adding providers and employers, inviting people, accepting.

Every change here is recorded in the audit trail with who made it and the values it set.
An invitation carries a random token that only its email holds: the database keeps the
token's SHA-256, so a copy of the database cannot be used to accept an invitation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from openepa.accounts.models import Invitation, Organisation, User
from openepa.audit.services import record_event
from openepa.kernel import clock
from openepa.registration.models import Apprentice

INVITATION_DAYS = 14
EPAO_ROLES = (User.Role.EPAO_ADMIN, User.Role.ASSESSOR, User.Role.IQA)
ORGANISATION_KIND_OF_ROLE: dict[str, str] = {
    User.Role.PROVIDER: Organisation.Kind.PROVIDER,
    User.Role.EMPLOYER: Organisation.Kind.EMPLOYER,
}


class InvitationProblem(ValueError):  # noqa: N818 (a refusal with a message for the user)
    """An invitation that cannot be accepted: unknown, expired, used or taken."""

    def __init__(self, message: str, *, status: int = 410) -> None:
        super().__init__(message)
        self.status = status


def normalise_email(email: str) -> str:
    """Email addresses are compared and stored in lower case, without spaces around."""
    return email.strip().lower()


def has_account(email: str) -> bool:
    """Whether an account with a usable password already uses ``email``.

    An account without a usable password (made without one, never invited) may still be
    invited: accepting the invitation sets its password.
    """
    return (
        User.objects.filter(email=normalise_email(email))
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .exists()
    )


def accounts_without_password(email: str) -> list[User]:
    """The active accounts with ``email`` that have no usable password (at most one)."""
    return [
        user
        for user in User.objects.filter(email=normalise_email(email), is_active=True)
        if not user.has_usable_password()
    ]


def hash_token(token: str) -> str:
    """The SHA-256 of an invitation token, as stored in ``Invitation.token_hash``."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_status(invitation: Invitation, now: datetime | None = None) -> str:
    """``accepted``, ``expired`` or ``pending``."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.expires_at <= (now or clock.now()):
        return "expired"
    return "pending"


@transaction.atomic
def create_organisation(*, actor: User, kind: str, name: str, ukprn: str = "") -> Organisation:
    """Add a training provider or an employer to the actor's EPAO, and audit it.

    The caller has checked the values (see ``OrganisationForm``); a UKPRN already used in
    this EPAO is refused by the database and reported as :class:`ValueError`.
    """
    if kind not in (Organisation.Kind.PROVIDER, Organisation.Kind.EMPLOYER):
        raise ValueError("Only training providers and employers can be added")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind, name=name.strip(), ukprn=ukprn.strip(), epao_id=actor.epao_id
            )
    except IntegrityError:
        raise ValueError(
            f"A training provider with UKPRN {ukprn} is already in your list: "
            "check the UKPRN or use the existing provider"
        ) from None
    record_event(
        actor=actor,
        epao=actor.epao,
        action="organisation.created",
        obj=organisation,
        summary=f"Added {organisation.get_kind_display().lower()} {organisation.name}",
        changes={
            "kind": (None, organisation.get_kind_display()),
            "name": (None, organisation.name),
            "ukprn": (None, organisation.ukprn or None),
        },
    )
    return organisation


def apprentice_for_uln(epao: Organisation, uln: str) -> Apprentice | None:
    """The apprentice of this EPAO with ``uln``, if one is registered."""
    return Apprentice.objects.filter(epao=epao, uln=uln.strip()).first()


def unlinked_apprentices(epao_id: int, email: str) -> list[Apprentice]:
    """Apprentices of the EPAO with this email address and no account yet (at most two)."""
    return list(
        Apprentice.objects.filter(
            epao_id=epao_id, email__iexact=normalise_email(email), user__isnull=True
        ).order_by("pk")[:2]
    )


@transaction.atomic
def invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation for someone to join the actor's EPAO; return it and its token.

    EPAO roles belong to the EPAO itself, provider and employer users to their organisation
    (which must be of the matching kind and in this EPAO), apprentices to no organisation.
    An earlier invitation to the same address that is still open is closed, so only the
    newest link works. The token is returned once, for the email, and only its hash kept.
    """
    email = normalise_email(email)
    epao = actor.epao
    if role in EPAO_ROLES:
        organisation = epao
    elif role in ORGANISATION_KIND_OF_ROLE:
        if (
            organisation is None
            or organisation.epao_id != epao.pk
            or organisation.kind != ORGANISATION_KIND_OF_ROLE[role]
        ):
            raise ValueError("Choose the organisation this person works for")
    elif role == User.Role.APPRENTICE:
        organisation = None
    else:
        raise ValueError("Choose a role")
    if has_account(email):
        raise ValueError(f"{email} already has an OpenEPA account")
    _check_passwordless_account(email, epao, role, organisation)
    now = clock.now()
    closed = Invitation.objects.filter(
        epao=epao, email=email, accepted_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        role=role,
        epao=epao,
        organisation=organisation,
        token_hash=hash_token(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    record_event(
        actor=actor,
        epao=epao,
        action="invitation.created",
        obj=invitation,
        summary=f"Invited {invitation.full_name} ({email}) as {invitation.get_role_display()}",
        changes={
            "email": (None, email),
            "full_name": (None, invitation.full_name),
            "role": (None, invitation.get_role_display()),
            "organisation": (None, organisation),
        },
        reason=f"Replaces {closed} earlier invitation(s) to this address" if closed else "",
    )
    return invitation, token


def _check_passwordless_account(
    email: str, epao: Organisation, role: str, organisation: Organisation | None
) -> None:
    """Refuse to invite an account without a password as someone it is not.

    Accepting the invitation sets the account's password, so the invitation must be for the
    same EPAO, role and organisation the account already has.
    """
    account = User.objects.filter(email=email).first()
    if account is None:
        return
    if (account.epao_id, account.role, account.organisation_id) != (
        epao.pk,
        role,
        organisation.pk if organisation else None,
    ):
        where = f" at {account.organisation.name}" if account.organisation else ""
        raise ValueError(
            f"{email} already has an account, without a password, as "
            f"{account.get_role_display().lower()}{where}: invite them with that role and "
            "organisation so they can choose their password"
        )


@transaction.atomic
def renew_invitation(*, actor: User, invitation: Invitation) -> str:
    """Give an invitation that was not accepted a new link and 14 more days; return the token.

    The old link stops working. Refused (``ValueError``) once the invitation is accepted.
    """
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValueError(f"{locked.email} has already accepted this invitation")
    if has_account(locked.email):
        raise ValueError(f"{locked.email} already has an OpenEPA account")
    old_expiry = locked.expires_at
    token = secrets.token_urlsafe(32)
    locked.token_hash = hash_token(token)
    locked.expires_at = clock.now() + timedelta(days=INVITATION_DAYS)
    locked.save(update_fields=["token_hash", "expires_at"])
    record_event(
        actor=actor,
        epao=locked.epao,
        action="invitation.renewed",
        obj=locked,
        summary=f"Sent a new invitation link to {locked.email}",
        changes={"expires_at": (old_expiry, locked.expires_at)},
    )
    invitation.token_hash, invitation.expires_at = locked.token_hash, locked.expires_at
    return token


def invitation_url(token: str) -> str:
    """The full address of the page that accepts an invitation, from ``SITE_URL``."""
    return settings.SITE_URL + reverse("people:accept_invitation", kwargs={"token": token})


def send_invitation(invitation: Invitation, token: str) -> None:
    """Email the invitation link. Errors of the mail server are raised to the caller."""
    context = {
        "invitation": invitation,
        "url": invitation_url(token),
        "days": INVITATION_DAYS,
        "epao_name": invitation.epao.name,
        "site_url": settings.SITE_URL,
    }
    subject = "".join(
        render_to_string("accounts/email/invitation_subject.txt", context).splitlines()
    )
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def find_invitation(token: str) -> Invitation:
    """The invitation whose link holds ``token``, or :class:`InvitationProblem`."""
    invitation = (
        Invitation.objects.select_related("epao", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationProblem(
            "This invitation link is not valid. Check that you copied the whole link from "
            "your email, or ask your EPAO admin to invite you again.",
            status=404,
        )
    _check_open(invitation)
    return invitation


def _check_open(invitation: Invitation) -> None:
    status = invitation_status(invitation)
    if status == "accepted":
        raise InvitationProblem(
            "This invitation has already been used to create an account. Sign in with your "
            "email address and password, or reset your password if you have forgotten it."
        )
    if status == "expired":
        raise InvitationProblem(
            f"This invitation has expired: invitations last {INVITATION_DAYS} days, or until "
            "a newer one is sent. Ask your EPAO admin to invite you again."
        )


@transaction.atomic
def accept_invitation(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account and close the invitation; return the new user.

    The password has been checked with Django's validators by the form. The invitation row
    is locked so the same link cannot create two accounts. An apprentice is linked to their
    apprentice record: the one of this EPAO with the invitation's email address and no
    account yet, when there is exactly one.
    """
    invitation = find_invitation(token)
    # Lock only the invitation row: PostgreSQL cannot lock the nullable side of the join
    # to the organisation.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("epao", "organisation")
        .get(pk=invitation.pk)
    )
    _check_open(invitation)
    if has_account(invitation.email):
        raise InvitationProblem(
            f"{invitation.email} already has an OpenEPA account: sign in, or reset your "
            "password if you have forgotten it."
        )
    existing = User.objects.filter(email=invitation.email).first()
    if existing is not None:
        user = _set_first_password(existing, invitation, full_name=full_name, password=password)
    else:
        user = _create_account(invitation, full_name=full_name, password=password)
    invitation.accepted_at = clock.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    if user.role == User.Role.APPRENTICE:
        link_apprentice_account(user)
    return user


def _create_account(invitation: Invitation, *, full_name: str, password: str) -> User:
    """The invited person's new account, audited."""
    user = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name.strip(),
        role=invitation.role,
        epao=invitation.epao,
        organisation=invitation.organisation,
    )
    record_event(
        actor=user,
        epao=invitation.epao,
        action="user.created",
        obj=user,
        summary=f"{user.full_name} accepted the invitation and created their account",
        changes={
            "email": (None, user.email),
            "full_name": (invitation.full_name, user.full_name),
            "role": (None, user.get_role_display()),
            "organisation": (None, invitation.organisation),
        },
    )
    return user


def _set_first_password(
    account: User, invitation: Invitation, *, full_name: str, password: str
) -> User:
    """An account that had no password gets the one chosen through the invitation, audited."""
    old_name = account.full_name
    account.full_name = full_name.strip()
    account.set_password(password)
    account.save(update_fields=["full_name", "password"])
    record_event(
        actor=account,
        epao=invitation.epao,
        action="user.password_set",
        obj=account,
        summary=f"{account.full_name} accepted the invitation and chose their first password",
        changes={"full_name": (old_name, account.full_name)}
        if old_name != account.full_name
        else {},
    )
    return account


def link_apprentice_account(user: User) -> Apprentice | None:
    """Link an apprentice's account to their apprentice record, if exactly one matches.

    The match is the apprentice of the user's EPAO with the same email address and no
    account. Each of the apprentice's registrations gets an audit event. Returns the
    apprentice linked, or None (no record yet, or more than one with that address).
    """
    matches = unlinked_apprentices(user.epao_id, user.email)
    if len(matches) != 1 or Apprentice.objects.filter(user=user).exists():
        return None
    apprentice = matches[0]
    updated = Apprentice.objects.filter(pk=apprentice.pk, user__isnull=True).update(user=user)
    if not updated:
        return None
    apprentice.user = user
    for registration in apprentice.registrations.all():
        record_event(
            actor=user,
            epao=user.epao,
            action="apprentice.account_linked",
            obj=apprentice,
            registration=registration,
            summary=f"{apprentice.full_name}'s account ({user.email}) was linked to this record",
            changes={"account": (None, user.email)},
        )
    return apprentice
