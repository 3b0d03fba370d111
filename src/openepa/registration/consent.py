"""The apprentice's written permission for the EPAO to apply for their certificate.

The GOV.UK guidance for EPAOs asks for the apprentice's permission before the EPAO requests
their certificate from the Education and Skills Funding Agency. It is recorded one of two ways:

- the apprentice, signed in, gives it on their own page (:func:`give_consent`): the statement
  they read (:data:`STATEMENT`) is kept with it, and today's date;
- an EPAO admin records permission given outside OpenEPA, with the date it was given and the
  evidence the EPAO holds and where (:func:`record_consent_with_evidence`).

Either may be withdrawn with a reason (:func:`withdraw_consent`), by the apprentice or an EPAO
admin. Nothing is deleted: a withdrawal is kept on the row, and each step is audited with who,
when and why. At most one permission is in force for a registration: the registration's row
is locked while it is recorded, and the database refuses a second (constraint
``one_certificate_consent_in_force``), so a double submission records one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from openepa.accounts.models import User
from openepa.audit.services import record_event
from openepa.kernel import clock
from openepa.registration.models import CertificateConsent, Registration
from openepa.rules.claims import SET_BY_SERVICE
from openepa.rules.dates import long_date

#: A claim in these statuses was submitted: the application for the certificate was made.
APPLIED = SET_BY_SERVICE

Role = User.Role
Source = CertificateConsent.Source

#: The words the apprentice agrees to: the one place they are kept.
STATEMENT = (
    "I give {epao} permission to apply to the Education and Skills Funding Agency for my "
    "apprenticeship certificate on my behalf, using the details held in OpenEPA."
)


class ConsentRefused(Exception):  # noqa: N818 (a refusal with a message for the person)
    """Permission cannot be recorded or withdrawn as asked; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def statement_for(registration: Registration) -> str:
    """The statement the apprentice agrees to, naming the registration's EPAO."""
    return STATEMENT.format(epao=registration.epao.name)


def consent_in_force(registration: Registration) -> CertificateConsent | None:
    """The apprentice's permission that stands for the registration, if any."""
    return (
        CertificateConsent.objects.filter(registration=registration, withdrawn_at__isnull=True)
        .select_related("recorded_by")
        .first()
    )


def consents_of(registration: Registration) -> QuerySet[CertificateConsent]:
    """Every permission recorded for the registration, newest first, withdrawn ones included."""
    return CertificateConsent.objects.filter(registration=registration).select_related(
        "recorded_by", "withdrawn_by"
    )


def registered_on(registration: Registration) -> date:
    """The day the registration was made, in the EPAO's time zone."""
    return timezone.localdate(registration.created_at)


def given_words(consent: CertificateConsent) -> str:
    """How and when the permission was given, as people read it."""
    if consent.source == Source.APPRENTICE:
        return f"Given by the apprentice in OpenEPA on {long_date(consent.given_on)}"
    return (
        f"Given on {long_date(consent.given_on)}, recorded by {consent.recorded_by.full_name} "
        f"with evidence: {consent.evidence}"
    )


def already_message(consent: CertificateConsent) -> str:
    """Why permission cannot be given again while one stands."""
    return (
        f"Permission to apply for the certificate was already given on "
        f"{long_date(consent.given_on)} and stands: there is nothing more to do. To change it, "
        "withdraw it first"
    )


def _lock(registration: Registration) -> Registration:
    """The registration's row, locked until the transaction ends, so one permission is made."""
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("epao", "apprentice")
        .get(pk=registration.pk)
    )


def _create(registration: Registration, **values: object) -> CertificateConsent:
    """Insert a permission, refusing a second in force (also one made at the same moment)."""
    held = consent_in_force(registration)
    if held is not None:
        raise ConsentRefused(already_message(held))
    try:
        with transaction.atomic():
            return CertificateConsent.objects.create(registration=registration, **values)
    except IntegrityError:
        held = consent_in_force(registration)
        raise ConsentRefused(
            already_message(held) if held else "Permission was just recorded: reload the page"
        ) from None


def _audit(
    actor: User, registration: Registration, consent: CertificateConsent, action: str, summary: str
) -> None:
    record_event(
        actor=actor,
        epao=registration.epao,
        action=action,
        obj=consent,
        registration=registration,
        summary=summary,
        changes={"certificate permission": (None, given_words(consent))},
    )


@transaction.atomic
def give_consent(registration: Registration, apprentice_user: User) -> CertificateConsent:
    """The apprentice gives permission today, agreeing to :func:`statement_for`; audited.

    Only the apprentice of the registration, signed in as themself, may give it
    (PermissionDenied otherwise). Refused on a withdrawn registration, or while one stands.
    """
    if not (
        apprentice_user.role == Role.APPRENTICE
        and apprentice_user.epao_id == registration.epao_id
        and registration.apprentice.user_id == apprentice_user.pk
    ):
        raise PermissionDenied("Only the apprentice may give their own permission")
    fresh = _lock(registration)
    if fresh.is_read_only:
        raise ConsentRefused("This registration was withdrawn: no certificate will be applied for")
    consent = _create(
        fresh,
        source=Source.APPRENTICE,
        statement=statement_for(fresh),
        given_on=clock.today(),
        recorded_by=apprentice_user,
        recorded_at=clock.now(),
    )
    _audit(
        apprentice_user,
        fresh,
        consent,
        "consent.given",
        f"{apprentice_user.full_name} gave permission to apply for their certificate",
    )
    return consent


@transaction.atomic
def record_consent_with_evidence(
    registration: Registration, admin: User, given_on: date | None, evidence: str
) -> CertificateConsent:
    """An EPAO admin records permission given outside OpenEPA, with its date and evidence.

    The date is not in the future nor before the apprenticeship started (a form may be signed
    before the registration was made in OpenEPA); the evidence says what the
    EPAO holds and where. Refused (:class:`ConsentRefused` naming the field) otherwise, on a
    withdrawn registration, or while a permission stands. Audited.
    """
    if admin.role != Role.EPAO_ADMIN or admin.epao_id != registration.epao_id:
        raise PermissionDenied("Only an EPAO admin records permission with evidence")
    fresh = _lock(registration)
    if fresh.is_read_only:
        raise ConsentRefused("This registration was withdrawn: no certificate will be applied for")
    today = clock.today()
    if given_on is None:
        raise ConsentRefused("Enter the date the apprentice gave permission", field="given_on")
    if given_on > today:
        raise ConsentRefused(
            f"The date permission was given must be today or earlier: {long_date(today)} or before",
            field="given_on",
        )
    start = fresh.start_date
    if given_on < start:
        raise ConsentRefused(
            f"The date permission was given must be on or after {long_date(start)}, when "
            f"{fresh.apprentice.full_name}'s apprenticeship started",
            field="given_on",
        )
    evidence = evidence.strip()
    if not evidence:
        raise ConsentRefused(
            "Say what evidence of the permission the EPAO holds and where, for example a "
            "signed form in the apprentice's file",
            field="evidence",
        )
    consent = _create(
        fresh,
        source=Source.EVIDENCE,
        statement=statement_for(fresh),
        evidence=evidence,
        given_on=given_on,
        recorded_by=admin,
        recorded_at=clock.now(),
    )
    _audit(
        admin,
        fresh,
        consent,
        "consent.recorded",
        f"Permission to apply for {fresh.apprentice.full_name}'s certificate recorded with "
        "evidence",
    )
    return consent


def application_made_on(registration: Registration) -> date | None:
    """The day the EPAO applied for the certificate (its claim was submitted), if it has.

    The claim lives above the registration (:mod:`openepa.claims`): it is read through the
    reverse relation of its foreign key (``certificate_claims``), importing nothing of it.
    The day is the first move of the claim to Submitted, else the claim's last change.
    """
    claim = registration.certificate_claims.filter(status__in=APPLIED).order_by("pk").first()
    if claim is None:
        return None
    change = claim.changes.filter(field="status", new="submitted").order_by("changed_at").first()
    return timezone.localdate(change.changed_at if change else claim.updated_at)


def applied_words(applied_on: date, epao: str, *, is_apprentice: bool) -> str:
    """What withdrawing permission does once the application was made: it does not cancel it."""
    whose = "your" if is_apprentice else "the"
    return (
        f"{epao} already applied for {whose} certificate on {long_date(applied_on)}. "
        "Withdrawing the permission does not cancel that application"
        + (f": contact {epao} about it." if is_apprentice else ".")
    )


def may_withdraw(user: User, registration: Registration) -> bool:
    """Whether ``user`` may withdraw the permission: the apprentice themself or an EPAO admin."""
    if user.epao_id != registration.epao_id:
        return False
    if user.role == Role.EPAO_ADMIN:
        return True
    return user.role == Role.APPRENTICE and registration.apprentice.user_id == user.pk


@transaction.atomic
def withdraw_consent(consent: CertificateConsent, user: User, reason: str) -> CertificateConsent:
    """Withdraw a permission with a reason (kept on the row, nothing deleted); audited.

    Refused if it was already withdrawn (by someone else meanwhile), or when an EPAO admin
    gives no reason; the apprentice need not say why.
    """
    registration = consent.registration
    if not may_withdraw(user, registration):
        raise PermissionDenied("Only the apprentice or an EPAO admin may withdraw permission")
    reason = reason.strip()
    if not reason and user.role != Role.APPRENTICE:
        raise ConsentRefused("Say why the permission is withdrawn", field="reason")
    fresh = CertificateConsent.objects.select_for_update().get(pk=consent.pk)
    if fresh.withdrawn_at is not None:
        raise ConsentRefused(
            "This permission was already withdrawn on "
            f"{long_date(timezone.localdate(fresh.withdrawn_at))}"
        )
    fresh.withdrawn_at = clock.now()
    fresh.withdrawn_by = user
    fresh.withdrawal_reason = reason
    fresh.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record_event(
        actor=user,
        epao=registration.epao,
        action="consent.withdrawn",
        obj=fresh,
        registration=registration,
        summary=(
            f"Permission to apply for {registration.apprentice.full_name}'s certificate "
            f"withdrawn by {user.full_name}"
        ),
        changes={"certificate permission": (given_words(fresh), "Withdrawn")},
        reason=reason or "None given",
    )
    consent.withdrawn_at, consent.withdrawn_by = fresh.withdrawn_at, user
    consent.withdrawal_reason = reason
    return fresh


@dataclass(frozen=True)
class ConsentState:
    """What a person sees of the permission on the apprentice's page, and what they may do."""

    statement: str
    in_force: CertificateConsent | None
    history: list[CertificateConsent]
    is_apprentice: bool
    is_admin: bool
    may_give: bool
    may_record: bool
    may_withdraw: bool


def consent_state(user: User, registration: Registration) -> ConsentState:
    """The permission as ``user`` sees it on the registration's page (two queries)."""
    history = list(consents_of(registration))
    in_force = next((consent for consent in history if consent.in_force), None)
    is_apprentice = user.role == Role.APPRENTICE and registration.apprentice.user_id == user.pk
    open_to_change = not registration.is_read_only
    return ConsentState(
        statement=in_force.statement if in_force else statement_for(registration),
        in_force=in_force,
        history=history if user.role == Role.EPAO_ADMIN else [],
        is_apprentice=is_apprentice,
        is_admin=user.role == Role.EPAO_ADMIN,
        may_give=is_apprentice and in_force is None and open_to_change,
        may_record=(user.role == Role.EPAO_ADMIN and in_force is None and open_to_change),
        may_withdraw=in_force is not None and may_withdraw(user, registration),
    )
