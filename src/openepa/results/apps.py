from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """Quality assurance, results, resits and retakes, and appeals."""

    name = "openepa.results"
    label = "results"
    verbose_name = "Results"
