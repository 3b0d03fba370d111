"""Gateway work in Django's admin: read-only (see :mod:`openepa.kernel.admin`)."""

from __future__ import annotations

from django.contrib import admin

from openepa.gateway.models import (
    GatewayComponent,
    GatewaySubmission,
    PortfolioPiece,
    ProjectProposal,
    Signature,
)
from openepa.kernel.admin import RegistrationTenantReadOnly


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
