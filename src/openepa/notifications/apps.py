from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails sent to people, kept so each person can see what was sent to them."""

    name = "openepa.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        """Subscribe to the domain events that send emails."""
        from openepa.notifications import subscriptions  # noqa: F401
