from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """What the apprentice submits for a method, and the interview question banks."""

    name = "openepa.submissions"
    label = "submissions"
    verbose_name = "Submissions"
