"""People and organisations in Django's admin (see :mod:`openepa.kernel.admin`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from openepa.accounts.models import Invitation, Organisation, User
from openepa.kernel.admin import ReadOnlyAdmin, TenantAdmin, epao_id_of


@admin.register(Organisation)
class OrganisationAdmin(TenantAdmin):
    """The EPAO and its providers and employers."""

    list_display = ("name", "kind", "ukprn", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "ukprn")
    readonly_fields = ("kind", "epao", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """The EPAO itself and its partners."""
        epao_id = epao_id_of(request)
        return Organisation.objects.filter(Q(pk=epao_id) | Q(epao_id=epao_id))

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Organisations are added on the Organisations page, which audits them."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Organisations are kept: registrations refer to them."""
        return False


@admin.register(User)
class UserAdmin(TenantAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    """People of the EPAO; new people join through an invitation."""

    ordering = ("full_name",)
    list_display = ("full_name", "email", "role", "organisation", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("full_name", "email")
    list_select_related = ("organisation",)
    readonly_fields = ("epao", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "epao", "organisation")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        """People join by accepting an invitation."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Switch an account off instead: its actions stay in the audit trail."""
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Organisations offered are those of the superuser's EPAO."""
        if db_field.name == "organisation":
            epao_id = epao_id_of(request)
            kwargs["queryset"] = Organisation.objects.filter(Q(pk=epao_id) | Q(epao_id=epao_id))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations sent, accepted or expired."""

    list_display = ("email", "role", "organisation", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "full_name")
    list_select_related = ("organisation",)
    exclude = ("token_hash",)
