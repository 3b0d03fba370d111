from django.apps import AppConfig


class AssessmentServiceConfig(AppConfig):
    """EPA records and certificates sent to the government's apprenticeship assessment service."""

    name = "openepa.assessment_service"
    label = "assessment_service"
    verbose_name = "Apprenticeship assessment service"

    def ready(self) -> None:
        """Subscribe to the events that make EPA records and certificates due."""
        from openepa.assessment_service import subscriptions  # noqa: F401
