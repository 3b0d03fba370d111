from django.apps import AppConfig


class SweepConfig(AppConfig):
    """The daily sweep: deadline reminders and the clean-up of orphaned uploads."""

    name = "openepa.sweep"
    label = "sweep"
