from django.apps import AppConfig


class GatewayConfig(AppConfig):
    """The gateway: readiness evidence, declarations, portfolio and project proposal."""

    name = "openepa.gateway"
    label = "gateway"

    def ready(self) -> None:
        """Subscribe to the registration events that build gateways."""
        from openepa.gateway import subscriptions  # noqa: F401
