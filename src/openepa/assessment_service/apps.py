from django.apps import AppConfig


class AssessmentServiceConfig(AppConfig):
    """EPA records and certificates sent to the government's apprenticeship assessment service."""

    name = "openepa.assessment_service"
    label = "assessment_service"
    verbose_name = "Apprenticeship assessment service"
