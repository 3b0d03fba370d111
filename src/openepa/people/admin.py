"""Sign-in records (django-axes) in Django's admin: the people of the superuser's EPAO only.

django-axes' own admin lists every attempt of every EPAO and lets them be deleted, so it is
switched off (``AXES_ENABLE_ADMIN = False``) and replaced here. Attempts, sign-ins and failures
are history, read only; a person's failed attempts are cleared when they reset their password.
Attempts are matched to the EPAO by the email address they were made for.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from openepa.accounts.models import User
from openepa.kernel.admin import ReadOnlyAdmin, epao_id_of

SIGN_IN_FIELDS = ("attempt_time", "username", "ip_address", "user_agent", "path_info")


class SignInRecordAdmin(ReadOnlyAdmin):
    """Records of sign-ins to the accounts of the superuser's EPAO."""

    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"

    def tenant_filter(self, request: HttpRequest) -> Q:
        """Records whose email address is that of one of the EPAO's people."""
        emails = User.objects.filter(epao_id=epao_id_of(request)).values("email")
        return Q(username__in=emails)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SignInRecordAdmin):
    """Failed sign-ins being counted towards a lockout, per address."""

    list_display = (*SIGN_IN_FIELDS, "failures_since_start")
    exclude = ("get_data", "post_data")


@admin.register(AccessLog)
class AccessLogAdmin(SignInRecordAdmin):
    """Successful sign-ins and their sign-outs."""

    list_display = (*SIGN_IN_FIELDS, "logout_time")
    exclude = ("session_hash",)


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SignInRecordAdmin):
    """Every failed sign-in, and whether it locked the address out."""

    list_display = (*SIGN_IN_FIELDS, "locked_out")
    list_filter = ("locked_out",)
