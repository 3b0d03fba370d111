"""What every gateway page starts with: the person, the records in scope, refusals shown.

Each gateway view fetches through :mod:`openepa.registration.access` (404 outside the
user's scope) with these helpers, and shows a service's refusal on its form with
:func:`show_refusal`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from openepa.accounts.models import User
from openepa.gateway.models import GatewayComponent
from openepa.gateway.refusals import ComponentChanged, GatewayRefused
from openepa.registration.access import get_registration
from openepa.registration.models import Registration


def user_of(request: HttpRequest) -> User:
    """The signed-in user of the request (every gateway page requires one)."""
    return request.user  # type: ignore[return-value]


def fetch_component(
    request: HttpRequest, registration_pk: int, component_pk: int
) -> tuple[Registration, GatewayComponent]:
    """The registration (404 outside the user's scope) and one of its components (or 404)."""
    registration = get_registration(user_of(request), registration_pk)
    component = get_object_or_404(
        GatewayComponent.objects.select_related("accepted_by"),
        registration=registration,
        pk=component_pk,
    )
    component.registration = registration
    return registration, component


def fetch_portfolio(
    request: HttpRequest, registration_pk: int, component_pk: int
) -> tuple[Registration, GatewayComponent]:
    """The registration and its portfolio component (404 for any other component)."""
    registration, item = fetch_component(request, registration_pk, component_pk)
    if item.uses != "portfolio":
        raise Http404("This component is not the portfolio of evidence")
    return registration, item


def fetch_proposal(
    request: HttpRequest, registration_pk: int, component_pk: int
) -> tuple[Registration, GatewayComponent]:
    """The registration and its project proposal component (404 for any other component)."""
    registration, item = fetch_component(request, registration_pk, component_pk)
    if item.uses != "project_proposal":
        raise Http404("This component is not the project proposal")
    return registration, item


def show_refusal(
    form: Any, refusal: GatewayRefused, component: GatewayComponent | None = None
) -> None:
    """Show a refusal on the form; after someone else's change, carry the new revision."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)
    if isinstance(refusal, ComponentChanged) and component is not None:
        registration = component.registration
        component.refresh_from_db()
        component.registration = registration
        data = form.data.copy()
        data["revision"] = str(component.revision)
        form.data = data
