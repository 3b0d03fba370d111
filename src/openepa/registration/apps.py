from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    """Apprentices and their registrations for end-point assessment."""

    name = "openepa.registration"
    label = "registration"
