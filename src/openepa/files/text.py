"""Read the text of an uploaded document (plain text, Word .docx or PDF) to count its words.

Reading runs in a background task (:mod:`openepa.submissions.counting`), outside any
transaction, within a :class:`~openepa.files.budget.Budget` of time, pages, bytes, operations
and nesting depth: past any of them the document is given up as too long to count.

A Word document is read with the standard library's XML parser through ``defusedxml``: the
paragraphs of the body of ``word/document.xml`` in order, one paragraph per line, the text of
its ``w:t`` runs, a tab as a space and a line break as a new line (headers, footers, footnotes
and comments are other parts and are not read). The part is refused when it is larger than
:data:`MAX_DOCUMENT_XML_BYTES` once unzipped, when it declares a DTD in any encoding (Word
never writes one; entity declarations are how "billion laughs" XML bombs work) or when it
nests deeper than the budget; it is walked without recursion. A PDF is read with pypdf, page
texts joined with new lines; a PDF that is encrypted, broken or holds no text (a scanned
image) cannot be read.

Every failure raises :class:`TextUnreadable`, whose message says what is wrong and how to fix
it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from pypdf import PasswordType, PdfReader

from openepa.files.budget import (
    DEFAULT_BUDGET,
    FIX,
    Budget,
    Meter,
    TextUnreadable,
    unreadable,
)
from openepa.files.models import StoredFile
from openepa.files.services import path_of
from openepa.rules.words import count_words

__all__ = [
    "MAX_DOCUMENT_XML_BYTES",
    "MAX_PDF_PAGES",
    "Budget",
    "TextUnreadable",
    "body_lines",
    "extract_stored_text",
    "extract_text",
]

MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024
"""The largest ``word/document.xml`` read, once unzipped."""

MAX_PDF_PAGES = DEFAULT_BUDGET.pages
"""The most pages of a PDF read: far more than any report."""

RESAVE_DOCX = "Open it in your word processor, save it again as .docx and upload that."
RESAVE_PDF = "Save or export it again from your word processor, or upload a .docx or .txt file."

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY = f"{_W}body"
_P = f"{_W}p"
_T = f"{_W}t"
_TAB = f"{_W}tab"
_BREAKS = (f"{_W}br", f"{_W}cr")
_NO_BREAK_HYPHEN = f"{_W}noBreakHyphen"
_PROPERTIES = (f"{_W}pPr", f"{_W}rPr")  # hold tab stops (w:tab) that are not text
_RUN_TEXT = {_TAB: " ", _NO_BREAK_HYPHEN: "\u2011"} | dict.fromkeys(_BREAKS, "\n")


def extract_text(kind: str, data: bytes, budget: Budget = DEFAULT_BUDGET) -> str:
    """The text of a document of ``kind`` ("txt", "docx" or "pdf") held in ``data``.

    Raises :class:`TextUnreadable` for any other kind, a document that cannot be read or
    holds no words, or one that would take more work to read than ``budget`` allows.
    """
    if kind == "txt":
        return _text_of_txt(data, budget)
    if kind == "docx":
        return _text_of_docx(data, budget)
    if kind == "pdf":
        return _text_of_pdf(data, budget)
    raise unreadable(f"a {kind.upper() or 'file of unknown type'} file holds no text to count")


def extract_stored_text(stored: StoredFile, budget: Budget = DEFAULT_BUDGET) -> str:
    """The text of an uploaded file, read from where it is stored."""
    try:
        data = path_of(stored).read_bytes()
    except OSError as error:
        raise unreadable(
            f"the file {stored.original_name} is missing from storage",
            "Upload the report again.",
        ) from error
    return extract_text(stored.kind, data, budget)


def _text_of_txt(data: bytes, budget: Budget) -> str:
    """UTF-8 text, without a byte order mark, with Unix line ends."""
    Meter(budget, what="the text file", unit="characters", fix=FIX).spend_bytes(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise unreadable(
            "the text file is not UTF-8 text",
            "Save it again as UTF-8 text, or upload a .docx or a PDF.",
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Word documents --------------------------------------------------------------------------


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
        raise _damaged_docx() from error
    if len(xml) > MAX_DOCUMENT_XML_BYTES:
        raise _too_large()
    return xml


def _too_large() -> TextUnreadable:
    return unreadable(
        f"the Word document's text is larger than {MAX_DOCUMENT_XML_BYTES // (1024 * 1024)} MB "
        "once unzipped",
        "Save the report without embedded objects, or as a PDF, and upload that.",
    )


def _damaged_docx() -> TextUnreadable:
    return unreadable("the Word document is damaged", RESAVE_DOCX)


def _parse_document_xml(xml: bytes, meter: Meter) -> ET.Element:
    """The parsed part, refused with a DTD (in any encoding), too deep or too many elements."""
    root: ET.Element | None = None
    try:
        for event, element in iterparse(io.BytesIO(xml), ("start", "end"), forbid_dtd=True):
            if event == "end":
                meter.leave()
                continue
            root = element if root is None else root
            meter.enter()
            meter.operation()
    except DefusedXmlException as error:  # a DTD, an entity or an external reference
        raise unreadable(
            "the Word document holds a document type declaration, which Word never writes",
            RESAVE_DOCX,
        ) from error
    except ET.ParseError as error:
        raise _damaged_docx() from error
    if root is None:
        raise _damaged_docx()
    return root


def _text_of_docx(data: bytes, budget: Budget) -> str:
    """The body paragraphs of a Word document, one per line."""
    xml = _read_document_xml(data)
    meter = Meter(budget, what="the Word document", unit="elements", fix=RESAVE_DOCX)
    meter.spend_bytes(len(xml))
    body = _parse_document_xml(xml, meter).find(_BODY)
    text = "\n".join(body_lines(body) if body is not None else [])
    meter.check_time()
    if count_words(text) == 0:
        raise unreadable("the Word document holds no text (perhaps only pictures)")
    return text


class _Paragraph:
    """A paragraph being read: its text so far, and the lines of paragraphs inside it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.nested: list[str] = []


def body_lines(body: ET.Element) -> list[str]:
    """The text of every paragraph below ``body``, one per line, in order, without recursion.

    A paragraph inside another (in a text box) comes on its own line after the paragraph
    that holds it; properties (which hold tab stops) are not text.
    """
    lines: list[str] = []
    reading: list[_Paragraph] = []
    stack: list[tuple[Any, bool]] = [(iter(body), False)]  # (children, closes a paragraph)
    while stack:
        children, closes = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if closes:
                done = reading.pop()
                into = reading[-1].nested if reading else lines
                into.append("".join(done.parts))
                into.extend(done.nested)
            continue
        tag = child.tag
        if tag == _P:
            reading.append(_Paragraph())
            stack.append((iter(child), True))
        elif reading and tag == _T:
            reading[-1].parts.append(child.text or "")
        elif reading and tag in _RUN_TEXT:
            reading[-1].parts.append(_RUN_TEXT[tag])
        elif not (reading and tag in _PROPERTIES):
            stack.append((iter(child), False))
    return lines


# --- PDFs ------------------------------------------------------------------------------------


def _content_size(page: Any) -> int:
    """The bytes of a page's content streams, decoded (a shared stream counts on every page)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _visitors(meter: Meter) -> tuple[Any, Any]:
    """The callbacks pypdf calls around each drawing operation, counting it against the budget."""

    def before(operator: bytes, *_: Any) -> None:
        meter.raise_if_stopped()  # pypdf swallows errors raised inside a form XObject
        meter.operation()
        if operator in (b"q", b"Do"):
            meter.enter()
        elif operator == b"Q":
            meter.leave()

    def after(operator: bytes, *_: Any) -> None:
        if operator == b"Do":
            meter.leave()

    return before, after


def _text_of_pages(pages: Any, meter: Meter) -> str:
    """The text of every page, each read within what is left of the budget."""
    for page in pages:
        meter.spend_bytes(_content_size(page))
        meter.check_time()
    before, after = _visitors(meter)
    texts = []
    for page in pages:
        meter.depth = 0
        meter.check_time()
        texts.append(
            page.extract_text(visitor_operand_before=before, visitor_operand_after=after) or ""
        )
        meter.raise_if_stopped()
    return "\n".join(texts)


def _text_of_pdf(data: bytes, budget: Budget) -> str:
    """The text of every page of a PDF, joined with new lines."""
    meter = Meter(budget, what="the PDF", unit="drawing operations", fix=RESAVE_PDF)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader)
        pages = reader.pages
        if len(pages) > budget.pages:
            raise unreadable(
                f"the PDF has {len(pages):,} pages, more than the {budget.pages:,} read",
                "Upload the report alone, without its annexes.",
            )
        text = _text_of_pages(pages, meter)
    except TextUnreadable:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a broken file
        raise unreadable("the PDF is damaged", RESAVE_PDF) from error
    if count_words(text) == 0:
        raise unreadable("the PDF has no text layer (a scanned image)")
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
    return unreadable(
        "the PDF is protected by a password",
        "Save it again without a password, or upload a .docx or .txt file.",
    )
