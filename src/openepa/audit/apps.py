from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who did what, when and why."""

    name = "openepa.audit"
    label = "audit"
