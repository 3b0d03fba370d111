"""Loaded specifications in Django's admin: read-only (see :mod:`openepa.kernel.admin`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from openepa.kernel.admin import ReadOnlyAdmin
from openepa.specifications.models import SpecificationRecord


@admin.register(SpecificationRecord)
class SpecificationRecordAdmin(ReadOnlyAdmin):
    """Loaded specifications (corrected in their YAML files, never here)."""

    list_display = ("spec_id", "standard", "version", "epao_name", "is_current", "loaded_at")
    list_filter = ("is_current", "standard")
    exclude = ("content", "standard_content")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Specifications are shared by every EPAO."""
        return SpecificationRecord.objects.all()
