from django.apps import AppConfig


class FilesConfig(AppConfig):
    """Uploaded evidence, checked by content and served only to those allowed to see it."""

    name = "openepa.files"
    label = "files"
