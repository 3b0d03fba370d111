"""Orphaned uploads: bytes under ``UPLOAD_DIR`` that no StoredFile refers to, deleted.

A transaction rolled back after an upload was written (a refused form, a crash) leaves the
bytes without their row; the daily sweep deletes them once they are older than
:data:`ORPHAN_AGE` (:func:`clean_orphaned_uploads`).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from openepa.files.models import StoredFile
from openepa.kernel import clock

logger = logging.getLogger(__name__)

# Uploaded bytes with no StoredFile row are deleted once they are older than this.
ORPHAN_AGE = timedelta(days=1)
# How StoredFile lays out its bytes below UPLOAD_DIR: "ab/ab12…" (the uuid's hex).
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")


def clean_orphaned_uploads(now: Any = None, chunk: int = 500) -> int:
    """Delete uploaded bytes that no StoredFile refers to, once older than a day.

    A transaction rolled back after the upload was written (a refused form, a crash) leaves
    the bytes without their row. Only files laid out as StoredFile lays them out
    (``ab/ab12…``, the uuid's hex) are considered; anything else under the folder is left.
    Returns how many files were deleted.
    """
    root = Path(settings.UPLOAD_DIR)
    if not root.is_dir():
        return 0
    cutoff = (now or clock.now()).timestamp() - ORPHAN_AGE.total_seconds()
    candidates: dict[str, Path] = {}
    for path in root.glob("*/*"):
        name = path.name
        if not (UPLOAD_NAME.match(name) and path.parent.name == name[:2] and path.is_file()):
            continue
        if path.stat().st_mtime < cutoff:
            candidates[name] = path
    names = sorted(candidates)
    deleted = 0
    for start in range(0, len(names), chunk):
        part = names[start : start + chunk]
        known = {
            u.hex for u in StoredFile.objects.filter(uuid__in=part).values_list("uuid", flat=True)
        }
        for name in part:
            if name in known:
                continue
            try:
                candidates[name].unlink()
            except FileNotFoundError:
                continue
            deleted += 1
            logger.info("Deleted the orphaned upload %s", candidates[name])
    return deleted
