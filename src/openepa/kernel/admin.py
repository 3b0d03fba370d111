"""Django's admin site, for EPAO superusers only, limited to their own EPAO.

Everyday work happens in OpenEPA's own pages, which audit every change. The admin is a tool
for superusers: people and organisations can be corrected here (each change audited); records
that other pages own (apprentices, registrations, files, gateway work, the audit trail,
notifications, sign-in records, specifications) are shown read-only, so nothing bypasses their
rules and audit trail, and no history is deleted.

Every model in the admin is registered with a :class:`TenantAdmin`, which lists only the rows
of the superuser's EPAO. Tables shared by every EPAO with no EPAO of their own (Django's
groups, background task results) are withdrawn from the site.

This module sets the site up and holds the base classes; each app registers its own models
in its ``admin.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest


def superusers_only(request: HttpRequest) -> bool:
    """Only active superusers may use the admin site; everyone else is sent to its login."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]
admin.site.site_header = "OpenEPA administration (superusers)"
admin.site.site_title = "OpenEPA administration"
admin.site.index_title = "Records of your EPAO"


def epao_id_of(request: HttpRequest) -> int | None:
    """The EPAO of the signed-in superuser."""
    return getattr(request.user, "epao_id", None)


def withdraw(model: type[Model]) -> None:
    """Take ``model`` off the admin site, where a third-party app registered it."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows only the rows of the superuser's own EPAO."""

    tenant_lookup = "epao_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Rows of the signed-in superuser's EPAO."""
        return super().get_queryset(request).filter(self.tenant_filter(request))

    def tenant_filter(self, request: HttpRequest) -> Q:
        """Which rows belong to the superuser's EPAO: ``tenant_lookup`` is its id."""
        return Q(**{self.tenant_lookup: epao_id_of(request)})


class ReadOnlyAdmin(TenantAdmin):
    """Rows can be looked at, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Records are created by OpenEPA's own pages."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Changes go through OpenEPA's pages, which check and audit them."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Nothing is deleted: records are kept for the audit trail."""
        return False


class RegistrationTenantReadOnly(ReadOnlyAdmin):
    """Rows that belong to a registration of the superuser's EPAO."""

    tenant_lookup = "registration__epao_id"
