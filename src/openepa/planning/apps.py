from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Assessor profiles, their declared relationships and the allocation of assessors."""

    name = "openepa.planning"
    label = "planning"

    def ready(self) -> None:
        """Subscribe to the registrations withdrawn, to cancel their bookings."""
        from openepa.planning import subscriptions  # noqa: F401
