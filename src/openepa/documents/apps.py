from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """PDF documents rendered from HTML templates, one by one or in batches."""

    name = "openepa.documents"
    label = "documents"
    verbose_name = "Documents"
