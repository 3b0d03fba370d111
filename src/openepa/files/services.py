"""Store uploaded files outside the web root and read them back.

Receiving an upload (reading it, checking its content and writing its bytes under a new
random name) is the slow part, so it is done before any transaction or lock
(:func:`receive_upload`); recording it (:func:`record_upload`) is one quick insert inside
the caller's transaction. Bytes whose transaction then rolls back are discarded at once, or
by the daily sweep (:mod:`openepa.sweep.orphans`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from openepa.accounts.models import User
from openepa.files.models import StoredFile
from openepa.kernel.uploads import check_upload, max_upload_bytes, read_upload
from openepa.registration.models import Registration


@dataclass(frozen=True)
class ReceivedFile:
    """An upload checked by its content and written to storage, not yet recorded."""

    uuid: uuid.UUID
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        """Where its bytes were written (where the StoredFile recording them will look)."""
        return Path(settings.UPLOAD_DIR) / StoredFile(uuid=self.uuid).relative_path


def receive_upload(upload: UploadedFile[bytes], *, allowed: tuple[str, ...]) -> ReceivedFile:
    """Check an upload by content and size, then write its bytes under a new random name.

    Raises :class:`openepa.kernel.uploads.UploadRefused` for a file that is too large, empty,
    not of an allowed kind or (a PDF) runs actions when opened. Call it outside any
    transaction: nothing is recorded yet.
    """
    data = read_upload(upload)
    name = Path(upload.name or "upload").name
    checked = check_upload(name, data, allowed=allowed, max_bytes=max_upload_bytes())
    received = ReceivedFile(
        uuid=uuid.uuid4(),
        name=name[:255],
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    received.path.parent.mkdir(parents=True, exist_ok=True)
    received.path.write_bytes(data)
    return received


def record_upload(received: ReceivedFile, *, registration: Registration, user: User) -> StoredFile:
    """The StoredFile of bytes already received, for ``registration``, uploaded by ``user``."""
    return StoredFile.objects.create(
        uuid=received.uuid,
        epao=user.epao,
        registration=registration,
        original_name=received.name,
        kind=received.kind,
        content_type=received.content_type,
        size=received.size,
        sha256=received.sha256,
        uploaded_by=user,
    )


def discard(received: ReceivedFile) -> None:
    """Delete the bytes of an upload that was not recorded after all."""
    received.path.unlink(missing_ok=True)


@transaction.atomic
def store_upload(
    upload: UploadedFile[bytes],
    *,
    registration: Registration,
    user: User,
    allowed: tuple[str, ...],
) -> StoredFile:
    """Check an upload by content and size, then store it under a random name."""
    received = receive_upload(upload, allowed=allowed)
    try:
        return record_upload(received, registration=registration, user=user)
    except BaseException:
        discard(received)
        raise


def path_of(stored: StoredFile) -> Path:
    """Where a stored file's bytes are on disk."""
    return Path(settings.UPLOAD_DIR) / stored.relative_path
