from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Assessor profiles, their declared relationships and the allocation of assessors."""

    name = "openepa.planning"
    label = "planning"
