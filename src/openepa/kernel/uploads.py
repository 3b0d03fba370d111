"""Uploads: what a file really is from its bytes, not its name, and how large it may be.

Only a few kinds are accepted: PDF, Word (.docx), plain text, PNG and JPEG. A file whose
name claims one kind while its content is another (an executable renamed ``.pdf``) is refused,
and so is a PDF that runs JavaScript or other actions when opened
(:mod:`openepa.kernel.pdf_actions`).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from openepa.kernel.pdf_actions import runs_actions

KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "txt": ("text/plain; charset=utf-8", (".txt",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
}
DOCUMENT_KINDS = ("pdf", "docx", "txt")
ALL_KINDS = tuple(KINDS)


class UploadRefused(ValueError):  # noqa: N818 (a refusal with a message for the user)
    """An upload that is too large, empty or not what it claims to be."""


@dataclass(frozen=True)
class CheckedFile:
    """A file whose kind was decided by its content."""

    kind: str
    content_type: str


def detect_kind(data: bytes) -> str | None:
    """The kind of ``data`` judged by its leading bytes and structure, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return "docx"
    if _is_plain_text(data):
        return "txt"
    return None


def check_upload(
    name: str, data: bytes, *, allowed: tuple[str, ...], max_bytes: int
) -> CheckedFile:
    """Accept ``data`` only if it is allowed, not too large, and its name matches its content.

    Raises :class:`UploadRefused` with a message saying what is wrong and how to fix it.
    """
    if not data:
        raise UploadRefused(f"The selected file {name} is empty: choose a file with content")
    if len(data) > max_bytes:
        raise UploadRefused(
            f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB: "
            f"{name} is {len(data) / (1024 * 1024):.1f} MB"
        )
    wanted = ", ".join(KINDS[kind][1][0].lstrip(".").upper() for kind in allowed)
    kind = detect_kind(data)
    if kind is None or kind not in allowed:
        raise UploadRefused(
            f"The selected file must be a {wanted}: the content of {name} is not one of these"
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS[kind][1]:
        raise UploadRefused(
            f"The selected file {name} is named as {suffix or 'no type'} but its content is "
            f"{kind.upper()}: rename it to end in {KINDS[kind][1][0]} or choose the right file"
        )
    if kind == "pdf" and runs_actions(data):
        raise UploadRefused(
            f"The selected file {name} contains JavaScript or actions that run when it is "
            "opened: save it again as a PDF from your word processor (or print it to PDF) and "
            "upload that"
        )
    return CheckedFile(kind=kind, content_type=KINDS[kind][0])


def _is_docx(data: bytes) -> bool:
    """A zip with the parts of a Word document, and no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return (
        "[Content_Types].xml" in names
        and "word/document.xml" in names
        and not any(name.lower().endswith("vbaproject.bin") for name in names)
    )


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 text without control characters other than tab, newline and carriage return."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)


def max_upload_bytes() -> int:
    """The largest file accepted, from the MAX_UPLOAD_MB setting."""
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def read_upload(upload: UploadedFile[bytes]) -> bytes:
    """Read an upload, refusing it before reading if it is too large."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(
            f"The selected file must be smaller than {settings.MAX_UPLOAD_MB} MB: "
            f"{upload.name} is {upload.size / (1024 * 1024):.1f} MB"
        )
    return bytes(upload.read(limit + 1))
