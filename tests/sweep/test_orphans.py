"""The sweep deletes uploaded bytes no StoredFile refers to, once they are a day old."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from openepa.accounts.models import User
from openepa.files.models import StoredFile
from openepa.files.services import path_of
from openepa.registration.models import Registration
from openepa.sweep.orphans import clean_orphaned_uploads
from openepa.sweep.services import run_sweep

TWO_DAYS = 2 * 24 * 3600


def write(path: Path, *, age_seconds: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 bytes")
    if age_seconds:
        old = time.time() - age_seconds
        os.utime(path, (old, old))
    return path


def orphan_path() -> Path:
    text = uuid.uuid4().hex
    return Path(settings.UPLOAD_DIR) / text[:2] / text


def test_only_old_unreferenced_uploads_are_deleted(
    make_registration: Callable[..., Registration], bob: User, tmp_path: Path, settings: Any
) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    registration = make_registration()
    stored = StoredFile.objects.create(
        epao=registration.epao,
        registration=registration,
        original_name="report.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
        uploaded_by=bob,
    )
    referenced = write(path_of(stored), age_seconds=TWO_DAYS)
    old_orphan = write(orphan_path(), age_seconds=TWO_DAYS)
    new_orphan = write(orphan_path())  # its transaction may still be running
    not_an_upload = write(Path(settings.UPLOAD_DIR) / "ab" / "notes.txt", age_seconds=TWO_DAYS)

    assert clean_orphaned_uploads() == 1

    assert not old_orphan.exists()
    assert referenced.exists()
    assert new_orphan.exists()
    assert not_an_upload.exists()


def test_the_sweep_counts_the_deleted_orphans(db: Any, tmp_path: Path, settings: Any) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    write(orphan_path(), age_seconds=TWO_DAYS)
    write(orphan_path(), age_seconds=TWO_DAYS)

    summary = run_sweep(date(2026, 9, 10))

    assert summary.orphans_deleted == 2
    assert "2 orphaned uploads deleted" in summary.words


def test_no_upload_folder_yet_deletes_nothing(db: Any, tmp_path: Path, settings: Any) -> None:
    settings.UPLOAD_DIR = tmp_path / "missing"

    assert clean_orphaned_uploads() == 0
