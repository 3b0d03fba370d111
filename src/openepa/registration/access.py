"""Who may see and change what. Every query of a user's data starts here.

Each role sees only its own scope: an EPAO admin everything of their EPAO, a provider or an
employer the registrations of their organisation, an apprentice only themself, an assessor
the registrations allocated to them and an IQA those sampled to them; an assessor or IQA also
sees the registrations whose appeals they are assigned to review. A record outside the
user's scope is "not found" (404), so its existence is not revealed; a page the role may not
use at all is "forbidden" (403): :mod:`openepa.kernel.roles`.

A role's scope is a set of registrations, so this lives with the registration.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from openepa.accounts.models import User
from openepa.registration.models import Registration

Role = User.Role


def _appeals_reviewed_by(user: User) -> Exists:
    """Whether the registration has an appeal ``user`` reviews (a subquery: no duplicate rows).

    Appeals belong to results, above registration: they are reached through the
    registration's ``appeals`` relation rather than imported.
    """
    appeal = Registration._meta.get_field("appeals").related_model
    return Exists(appeal._default_manager.filter(registration=OuterRef("pk"), reviewer=user.pk))


def registrations_for(user: User) -> QuerySet[Registration]:
    """The registrations ``user`` may see, before any other filter."""
    registrations = Registration.objects.filter(epao_id=user.epao_id)
    if user.role == Role.EPAO_ADMIN:
        return registrations
    if user.role in (Role.ASSESSOR, Role.IQA):
        # Also the registrations whose appeals they review.
        reviewing = _appeals_reviewed_by(user)
        own = Q(assessor_id=user.pk) if user.role == Role.ASSESSOR else Q(iqa_id=user.pk)
        return registrations.filter(own | reviewing)
    if user.role == Role.PROVIDER:
        return registrations.filter(provider_id=user.organisation_id)
    if user.role == Role.EMPLOYER:
        return registrations.filter(employer_id=user.organisation_id)
    if user.role == Role.APPRENTICE:
        return registrations.filter(apprentice__user_id=user.pk)
    return registrations.none()


def get_registration(user: User, pk: int) -> Registration:
    """One registration in the user's scope, with what its pages show, or 404."""
    try:
        return (
            registrations_for(user)
            .select_related(
                "apprentice", "provider", "employer", "specification", "assessor", "iqa"
            )
            .get(pk=pk)
        )
    except Registration.DoesNotExist:
        raise Http404("No such apprentice") from None


def party_of(user: User, registration: Registration) -> str | None:
    """The gateway party ``user`` acts as for ``registration``, if any."""
    if user.epao_id != registration.epao_id:
        return None
    if user.role == Role.APPRENTICE and registration.apprentice.user_id == user.pk:
        return "apprentice"
    if user.role == Role.EMPLOYER and registration.employer_id == user.organisation_id:
        return "employer"
    if user.role == Role.PROVIDER and registration.provider_id == user.organisation_id:
        return "provider"
    if user.role == Role.EPAO_ADMIN:
        return "epao"
    if user.role == Role.ASSESSOR and registration.assessor_id == user.pk:
        return "assessor"
    return None
