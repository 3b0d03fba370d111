"""Apprentices and registrations in Django's admin: read-only (see :mod:`openepa.kernel.admin`)."""

from __future__ import annotations

from django.contrib import admin

from openepa.kernel.admin import ReadOnlyAdmin
from openepa.registration.models import Apprentice, Registration


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
