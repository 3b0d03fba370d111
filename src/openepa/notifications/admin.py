"""Notifications in Django's admin: what was sent, and what could not be delivered.

The superuser sees the notifications of their own EPAO's people only, read only: what was
sent to whom is history, never changed or deleted. Background task results (django-tasks-db)
are shared by every EPAO and name other EPAOs' notifications, so they are withdrawn from the
admin; ``openepa manage prune_db_task_results`` keeps their table small.
"""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from openepa.kernel.admin import ReadOnlyAdmin, withdraw
from openepa.notifications.models import Notification

withdraw(DBTaskResult)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Every notification to the EPAO's people, with its delivery status."""

    tenant_lookup = "user__epao_id"
    list_display = ("subject", "to_email", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject", "key")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
