from django.apps import AppConfig


class SpecificationsConfig(AppConfig):
    """EPAO specifications stored in the database, one row per version of each file."""

    name = "openepa.specifications"
    label = "specifications"
