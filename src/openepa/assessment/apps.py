from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """The assessor's record of each method: judgements, grade and history."""

    name = "openepa.assessment"
    label = "assessment"
    verbose_name = "Assessment"
