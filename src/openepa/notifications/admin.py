"""Notifications in Django's admin site: what was sent, and what could not be delivered."""

from django.contrib import admin

from openepa.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Every notification with its delivery status; read only."""

    list_display = ("subject", "to_email", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject", "key")
    readonly_fields = [f.name for f in Notification._meta.fields]
    date_hierarchy = "created_at"
