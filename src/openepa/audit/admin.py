"""The audit trail in Django's admin: read-only (see :mod:`openepa.kernel.admin`)."""

from __future__ import annotations

from django.contrib import admin

from openepa.audit.models import AuditEvent
from openepa.kernel.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, which is never changed."""

    list_display = ("at", "action", "summary", "actor")
    list_filter = ("action",)
    search_fields = ("summary", "object_id")
    list_select_related = ("actor",)
