"""URLs of openepa.notifications: each person's messages and reminder settings."""

from django.urls import path

from openepa.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("reminders/", views.reminder_settings, name="settings"),
    path("<int:pk>/", views.message, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
