"""Store uploaded files outside the web root and read them back."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from openepa.accounts.models import User
from openepa.files.models import StoredFile
from openepa.kernel.uploads import check_upload, max_upload_bytes, read_upload
from openepa.registration.models import Registration


@transaction.atomic
def store_upload(
    upload: UploadedFile[bytes],
    *,
    registration: Registration,
    user: User,
    allowed: tuple[str, ...],
) -> StoredFile:
    """Check an upload by content and size, then store it under a random name."""
    data = read_upload(upload)
    name = Path(upload.name or "upload").name
    checked = check_upload(name, data, allowed=allowed, max_bytes=max_upload_bytes())
    stored = StoredFile.objects.create(
        epao=user.epao,
        registration=registration,
        original_name=name[:255],
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    path = Path(settings.UPLOAD_DIR) / stored.relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return stored


def path_of(stored: StoredFile) -> Path:
    """Where a stored file's bytes are on disk."""
    return Path(settings.UPLOAD_DIR) / stored.relative_path
