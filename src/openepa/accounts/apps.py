from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, organisations and roles."""

    name = "openepa.accounts"
    label = "accounts"
