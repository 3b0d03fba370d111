"""Uploaded files, stored outside the web root under a random name."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class StoredFile(models.Model):
    """One uploaded file, checked by its content, belonging to one registration."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    epao = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.PROTECT, related_name="files"
    )
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["registration", "-uploaded_at"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def relative_path(self) -> str:
        """Where the bytes are, below the upload folder: never the name the user gave."""
        text = self.uuid.hex
        return f"{text[:2]}/{text}"
