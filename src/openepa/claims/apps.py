from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    """Certificate claims to the apprenticeship assessment service."""

    name = "openepa.claims"
    label = "claims"
    verbose_name = "Certificate claims"

    def ready(self) -> None:
        """Subscribe to the results events that draft and update claims."""
        from openepa.claims import subscriptions  # noqa: F401
