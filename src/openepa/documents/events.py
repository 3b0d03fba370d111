"""What documents publish (see :mod:`openepa.kernel.events`)."""

from __future__ import annotations

from dataclasses import dataclass

from openepa.documents.models import DocumentBatch


@dataclass(frozen=True)
class DocumentsReady:
    """A batch of documents an admin asked for is rendered and ready to download."""

    batch: DocumentBatch
