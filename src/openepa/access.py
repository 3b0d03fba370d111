"""Who may see and change what. Every query of a user's data starts here.

Each role sees only its own scope: an EPAO admin everything of their EPAO, a provider or an
employer the registrations of their organisation, an apprentice only themself, an assessor
the registrations allocated to them and an IQA those sampled to them; an assessor or IQA also
sees the registrations whose appeals they are assigned to review. A record outside the
user's scope is "not found" (404), so its existence is not revealed; a page the role may not
use at all is "forbidden" (403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from openepa.accounts.models import User
from openepa.registration.models import Registration
from openepa.results.models import Appeal

Role = User.Role
View = TypeVar("View", bound=Callable[..., HttpResponse])


def registrations_for(user: User) -> QuerySet[Registration]:
    """The registrations ``user`` may see, before any other filter."""
    registrations = Registration.objects.filter(epao_id=user.epao_id)
    if user.role == Role.EPAO_ADMIN:
        return registrations
    if user.role in (Role.ASSESSOR, Role.IQA):
        # Also the registrations whose appeals they review (a subquery: no duplicate rows).
        reviewing = Exists(Appeal.objects.filter(registration=OuterRef("pk"), reviewer=user.pk))
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


def role_required(*roles: str) -> Callable[[View], View]:
    """Let only signed-in users with one of ``roles`` use a view; others get 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied("Your role cannot use this page")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
