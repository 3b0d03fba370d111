from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    """Certificate claims to the apprenticeship assessment service."""

    name = "openepa.claims"
    label = "claims"
    verbose_name = "Certificate claims"
