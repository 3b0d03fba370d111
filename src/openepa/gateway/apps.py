from django.apps import AppConfig


class GatewayConfig(AppConfig):
    """The gateway: readiness evidence, declarations, portfolio and project proposal."""

    name = "openepa.gateway"
    label = "gateway"
