"""People and organisations in Django's admin (see :mod:`openepa.kernel.admin`).

They are the only records a superuser may change here; every change is audited with its old
and new values (a password set here is audited without it). Nothing is added or deleted here.
Django's groups are not used (a person's role says what they may do) and are withdrawn.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model, Q
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from openepa.accounts.models import Invitation, Organisation, User
from openepa.audit.services import diff, record_event
from openepa.kernel.admin import ReadOnlyAdmin, TenantAdmin, epao_id_of, withdraw

withdraw(Group)


def changes_in_form(obj: Model, form: ModelForm[Any]) -> dict[str, tuple[Any, Any]]:
    """The (old, new) values of the fields an admin form changes, before ``obj`` is saved."""
    stored = type(obj)._default_manager.get(pk=obj.pk)
    fields = [name for name in form.changed_data if name != "password"]
    return diff(stored, {name: getattr(obj, name) for name in fields})


def audit_admin_change(
    request: HttpRequest, obj: Model, form: ModelForm[Any], **event: Any
) -> None:
    """Save ``obj`` as changed in the admin and audit what changed, if anything did."""
    changes = changes_in_form(obj, form)
    obj.save()
    if changes:
        record_event(actor=request.user, obj=obj, changes=changes, **event)  # type: ignore[arg-type]


@admin.register(Organisation)
class OrganisationAdmin(TenantAdmin):
    """The EPAO and its providers and employers."""

    list_display = ("name", "kind", "ukprn", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "ukprn")
    readonly_fields = ("kind", "epao", "created_at")

    def tenant_filter(self, request: HttpRequest) -> Q:
        """The EPAO itself and its partners."""
        epao_id = epao_id_of(request)
        return Q(pk=epao_id) | Q(epao_id=epao_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Organisations are added on the Organisations page, which audits them."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Organisations are kept: registrations refer to them."""
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save the correction and audit it."""
        audit_admin_change(
            request,
            obj,
            form,
            epao=obj.tenant,
            action="organisation.changed_in_admin",
            summary=f"{obj.name} changed in Django's admin",
        )


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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save the correction and audit it."""
        audit_admin_change(
            request,
            obj,
            form,
            epao=obj.epao,
            action="user.changed_in_admin",
            summary=f"{obj.full_name} <{obj.email}> changed in Django's admin",
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Set a person's password here, audited (without the password) in one transaction."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                record_event(
                    actor=request.user,  # type: ignore[arg-type]
                    epao=user.epao,  # type: ignore[union-attr]
                    action="user.password_set_in_admin",
                    obj=user,  # type: ignore[arg-type]
                    summary=f"Password of {user} set in Django's admin",
                )
        return response


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Invitations sent, accepted or expired."""

    list_display = ("email", "role", "organisation", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "full_name")
    list_select_related = ("organisation",)
    exclude = ("token_hash",)
