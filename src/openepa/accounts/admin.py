"""Django's admin site, for EPAO superusers only, limited to their own EPAO.

Everyday work happens in OpenEPA's own pages, which audit every change. The admin is a tool
for superusers: people and organisations can be corrected here; records that other pages
own (apprentices, registrations, files, gateway work, the audit trail, specifications) are
shown read-only, so nothing bypasses their rules and audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from openepa.accounts.models import Invitation, Organisation, User
from openepa.audit.models import AuditEvent
from openepa.files.models import StoredFile
from openepa.gateway.models import (
    GatewayComponent,
    GatewaySubmission,
    PortfolioPiece,
    ProjectProposal,
    Signature,
)
from openepa.registration.models import Apprentice, Registration
from openepa.specifications.models import SpecificationRecord


def superusers_only(request: HttpRequest) -> bool:
    """Only active superusers may use the admin site; everyone else is sent to its login."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]
admin.site.site_header = "OpenEPA administration (superusers)"
admin.site.site_title = "OpenEPA administration"
admin.site.index_title = "Records of your EPAO"


def _epao_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "epao_id", None)


class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows only the rows of the superuser's own EPAO."""

    tenant_lookup = "epao_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Rows of the signed-in superuser's EPAO."""
        return super().get_queryset(request).filter(**{self.tenant_lookup: _epao_id(request)})


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


@admin.register(Organisation)
class OrganisationAdmin(TenantAdmin):
    """The EPAO and its providers and employers."""

    list_display = ("name", "kind", "ukprn", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "ukprn")
    readonly_fields = ("kind", "epao", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """The EPAO itself and its partners."""
        epao_id = _epao_id(request)
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
            epao_id = _epao_id(request)
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


@admin.register(Apprentice)
class ApprenticeAdmin(ReadOnlyAdmin):
    """Apprentices, as registered by providers."""

    list_display = ("family_name", "given_names", "uln", "email")
    search_fields = ("family_name", "given_names", "uln", "email")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Registrations for end-point assessment."""

    list_display = ("apprentice", "standard", "status", "provider", "employer", "created_at")
    list_filter = ("status", "standard")
    search_fields = ("apprentice__family_name", "apprentice__uln")
    list_select_related = ("apprentice", "provider", "employer", "specification")


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    """Uploaded files (their details; the files are downloaded from OpenEPA's pages)."""

    list_display = ("original_name", "kind", "size", "uploaded_at")
    search_fields = ("original_name", "sha256")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, which is never changed."""

    list_display = ("at", "action", "summary", "actor")
    list_filter = ("action",)
    search_fields = ("summary", "object_id")
    list_select_related = ("actor",)


class RegistrationTenantReadOnly(ReadOnlyAdmin):
    """Rows that belong to a registration of the superuser's EPAO."""

    tenant_lookup = "registration__epao_id"


@admin.register(GatewayComponent)
class GatewayComponentAdmin(RegistrationTenantReadOnly):
    """Gateway components and their status."""

    list_display = ("registration", "name", "status", "attempts")
    list_filter = ("status",)
    list_select_related = ("registration__apprentice", "registration__specification")


@admin.register(PortfolioPiece)
class PortfolioPieceAdmin(RegistrationTenantReadOnly):
    """Portfolio pieces."""

    list_display = ("registration", "number", "title", "evidence_type")
    list_select_related = ("registration__apprentice", "registration__specification")


@admin.register(ProjectProposal)
class ProjectProposalAdmin(RegistrationTenantReadOnly):
    """Project proposals and their decisions."""

    list_display = ("registration", "attempt", "word_count", "decision")
    list_select_related = ("registration__apprentice", "registration__specification")


@admin.register(GatewaySubmission)
class GatewaySubmissionAdmin(RegistrationTenantReadOnly):
    """Submissions of gateway components and their reviews."""

    tenant_lookup = "component__registration__epao_id"
    list_display = ("component", "attempt", "decision", "submitted_at")
    list_select_related = ("component",)


@admin.register(Signature)
class SignatureAdmin(RegistrationTenantReadOnly):
    """Signatures of gateway declarations."""

    tenant_lookup = "component__registration__epao_id"
    list_display = ("component", "party", "signed_name", "signed_at")
    list_select_related = ("component",)


@admin.register(SpecificationRecord)
class SpecificationRecordAdmin(ReadOnlyAdmin):
    """Loaded specifications (corrected in their YAML files, never here)."""

    list_display = ("spec_id", "standard", "version", "epao_name", "is_current", "loaded_at")
    list_filter = ("is_current", "standard")
    exclude = ("content", "standard_content")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Specifications are shared by every EPAO."""
        return SpecificationRecord.objects.all()
