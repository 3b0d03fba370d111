"""Read the text of an uploaded document (plain text, Word .docx or PDF) to count its words.

A Word document is read with the standard library: the paragraphs of the body of
``word/document.xml`` in order, one paragraph per line, the text of its ``w:t`` runs, a tab
as a space and a line break as a new line (headers, footers, footnotes and comments are other
parts and are not read). The part is refused when it is larger than
:data:`MAX_DOCUMENT_XML_BYTES` once unzipped or when it declares a DTD (Word never writes one;
entity declarations are how "billion laughs" XML bombs work), so a hostile file cannot
exhaust memory. A PDF is read with pypdf, page texts joined with new lines; a PDF that is
encrypted, broken or holds no text (a scanned image) cannot be read.

Every failure raises :class:`TextUnreadable`, whose message says what is wrong and how to fix
it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib

from pypdf import PasswordType, PdfReader

from openepa.files.models import StoredFile
from openepa.files.services import path_of
from openepa.rules.words import count_words

MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024
"""The largest ``word/document.xml`` read, once unzipped."""

MAX_PDF_PAGES = 1000
"""The most pages of a PDF read: far more than any report."""

FIX = "Upload a PDF saved from a word processor, a .docx or a .txt file."

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY = f"{_W}body"
_P = f"{_W}p"
_T = f"{_W}t"
_TAB = f"{_W}tab"
_BREAKS = (f"{_W}br", f"{_W}cr")
_NO_BREAK_HYPHEN = f"{_W}noBreakHyphen"
_PROPERTIES = (f"{_W}pPr", f"{_W}rPr")  # hold tab stops (w:tab) that are not text


class TextUnreadable(ValueError):  # noqa: N818 (a refusal with a message for the user)
    """A document whose text cannot be read; the message says why and how to fix it."""


def _unreadable(problem: str, fix: str = FIX) -> TextUnreadable:
    return TextUnreadable(f"The report could not be read: {problem}. {fix}")


def extract_text(kind: str, data: bytes) -> str:
    """The text of a document of ``kind`` ("txt", "docx" or "pdf") held in ``data``.

    Raises :class:`TextUnreadable` for any other kind, or a document that cannot be read or
    holds no words.
    """
    if kind == "txt":
        return _text_of_txt(data)
    if kind == "docx":
        return _text_of_docx(data)
    if kind == "pdf":
        return _text_of_pdf(data)
    raise _unreadable(f"a {kind.upper() or 'file of unknown type'} file holds no text to count")


def extract_stored_text(stored: StoredFile) -> str:
    """The text of an uploaded file, read from where it is stored."""
    try:
        data = path_of(stored).read_bytes()
    except OSError as error:
        raise _unreadable(
            f"the file {stored.original_name} is missing from storage",
            "Upload the report again.",
        ) from error
    return extract_text(stored.kind, data)


def _text_of_txt(data: bytes) -> str:
    """UTF-8 text, without a byte order mark, with Unix line ends."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _unreadable(
            "the text file is not UTF-8 text",
            "Save it again as UTF-8 text, or upload a .docx or a PDF.",
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_document_xml(data: bytes) -> bytes:
    """The unzipped ``word/document.xml`` of a .docx, refused when too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCUMENT_XML_BYTES:
                raise _too_large()
            with archive.open(info) as part:
                xml = part.read(MAX_DOCUMENT_XML_BYTES + 1)  # the header's size may lie
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
        NotImplementedError,
    ) as error:  # a damaged archive, or one compressed in a way zipfile cannot read
        if isinstance(error, TextUnreadable):
            raise
        raise _unreadable(
            "the Word document is damaged",
            "Open it in your word processor, save it again as .docx and upload that.",
        ) from error
    if len(xml) > MAX_DOCUMENT_XML_BYTES:
        raise _too_large()
    return xml


def _too_large() -> TextUnreadable:
    return _unreadable(
        f"the Word document's text is larger than {MAX_DOCUMENT_XML_BYTES // (1024 * 1024)} MB "
        "once unzipped",
        "Save the report without embedded objects, or as a PDF, and upload that.",
    )


def _text_of_docx(data: bytes) -> str:
    """The body paragraphs of a Word document, one per line."""
    xml = _read_document_xml(data)
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise _unreadable(
            "the Word document holds a document type declaration, which Word never writes",
            "Open it in your word processor, save it again as .docx and upload that.",
        )
    try:
        root = ET.fromstring(xml)  # no DTD (checked above) and size checked
    except ET.ParseError as error:
        raise _unreadable(
            "the Word document is damaged",
            "Open it in your word processor, save it again as .docx and upload that.",
        ) from error
    body = root.find(_BODY)
    lines: list[str] = []
    if body is not None:
        _paragraphs(body, lines)
    text = "\n".join(lines)
    if count_words(text) == 0:
        raise _unreadable("the Word document holds no text (perhaps only pictures)")
    return text


def _paragraphs(element: ET.Element, lines: list[str]) -> None:
    """Append the text of every paragraph below ``element`` to ``lines``, in order."""
    for child in element:
        if child.tag == _P:
            _paragraphs_of_one(child, lines)
        else:
            _paragraphs(child, lines)


def _runs(element: ET.Element, parts: list[str], nested: list[str]) -> None:
    """Collect the text of one paragraph; a paragraph inside it (a text box) goes to nested."""
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append(" ")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("\u2011")
        elif tag in _PROPERTIES:
            continue
        elif tag == _P:
            _paragraphs_of_one(child, nested)
        else:
            _runs(child, parts, nested)


def _paragraphs_of_one(paragraph: ET.Element, lines: list[str]) -> None:
    """Append one paragraph (and any nested in it) to ``lines``."""
    parts: list[str] = []
    nested: list[str] = []
    _runs(paragraph, parts, nested)
    lines.append("".join(parts))
    lines.extend(nested)


def _text_of_pdf(data: bytes) -> str:
    """The text of every page of a PDF, joined with new lines."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader)
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise _unreadable(
                f"the PDF has {len(pages):,} pages, more than the {MAX_PDF_PAGES:,} read",
                "Upload the report alone, without its annexes.",
            )
        text = "\n".join(page.extract_text() or "" for page in pages)
    except TextUnreadable:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a broken file
        raise _unreadable(
            "the PDF is damaged",
            "Save or export it again from your word processor, or upload a .docx or .txt file.",
        ) from error
    if count_words(text) == 0:
        raise _unreadable("the PDF has no text layer (a scanned image)")
    return text


def _decrypt(reader: PdfReader) -> None:
    """Open a PDF encrypted without a password to open it (only to restrict editing)."""
    try:
        opened = reader.decrypt("")
    except Exception as error:  # e.g. a cipher pypdf cannot use without an extra library
        raise _protected() from error
    if opened == PasswordType.NOT_DECRYPTED:
        raise _protected()


def _protected() -> TextUnreadable:
    return _unreadable(
        "the PDF is protected by a password",
        "Save it again without a password, or upload a .docx or .txt file.",
    )
