"""Uploaded files in Django's admin: read-only (see :mod:`openepa.kernel.admin`)."""

from __future__ import annotations

from django.contrib import admin

from openepa.files.models import StoredFile
from openepa.kernel.admin import ReadOnlyAdmin


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    """Uploaded files (their details; the files are downloaded from OpenEPA's pages)."""

    list_display = ("original_name", "kind", "size", "uploaded_at")
    search_fields = ("original_name", "sha256")
