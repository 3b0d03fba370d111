from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shared layout, navigation, home pages and GOV.UK template helpers."""

    name = "openepa.web"
    label = "web"
