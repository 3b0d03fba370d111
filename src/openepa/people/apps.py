from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Signing in, organisations, people and invitations: the pages over accounts' records.

    It sits above registration because inviting an apprentice links their account to the
    apprentice already registered.
    """

    name = "openepa.people"
    label = "people"

    def ready(self) -> None:
        """Subscribe to the registrations made, to invite the apprentices."""
        from openepa.people import subscriptions  # noqa: F401
