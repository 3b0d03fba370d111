"""Reading the text of an uploaded report (txt, docx, PDF) so its words can be counted."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from openepa.accounts.models import User
from openepa.files import text as text_module
from openepa.files.services import path_of, store_upload
from openepa.files.text import TextUnreadable, extract_stored_text, extract_text
from openepa.registration.models import Registration
from openepa.rules.words import count_words

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
BODY = (
    # paragraph 1: a tab stop in its properties (not text), a tab and a line break in the runs
    '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    "<w:r><w:t>Work-based</w:t></w:r><w:r><w:tab/><w:t>project</w:t></w:r>"
    '<w:r><w:br/><w:t xml:space="preserve">report </w:t></w:r></w:p>'
    # paragraph 2: split across runs, with a deleted (tracked) word that is not text
    "<w:p><w:r><w:t>Second para</w:t></w:r><w:r><w:t>graph</w:t></w:r>"
    "<w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
)


def document_xml(body: str = BODY) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )


def make_docx(xml: str | bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        if xml is not None:
            archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def make_pdf(stream: bytes) -> bytes:
    """A one-page PDF, written by hand with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


TEXT_PDF = make_pdf(b"BT /F1 12 Tf 72 712 Td (Hello report world) Tj ET")
SCANNED_MESSAGE = (
    "The report could not be read: the PDF has no text layer (a scanned image). "
    "Upload a PDF saved from a word processor, a .docx or a .txt file."
)


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_plain_text_loses_its_byte_order_mark_and_windows_line_ends() -> None:
    data = "\ufeffMy report\r\nSecond line".encode()
    assert extract_text("txt", data) == "My report\nSecond line"


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(TextUnreadable) as caught:
        extract_text("txt", "café".encode("latin-1"))
    assert str(caught.value) == (
        "The report could not be read: the text file is not UTF-8 text. "
        "Save it again as UTF-8 text, or upload a .docx or a PDF."
    )


def test_a_word_document_gives_one_paragraph_per_line() -> None:
    text = extract_text("docx", make_docx(document_xml()))
    assert text == "Work-based project\nreport \nSecond paragraph"
    assert count_words(text) == 5


def test_tables_and_text_boxes_are_read_once_in_order() -> None:
    body = (
        "<w:p><w:r><w:t>Before</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell one</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Cell two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>Outer</w:t></w:r><w:r><w:pict><w:txbxContent>"
        "<w:p><w:r><w:t>In the box</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></w:r><w:r><w:t> text</w:t></w:r></w:p>"
    )
    text = extract_text("docx", make_docx(document_xml(body)))
    assert text.splitlines() == ["Before", "Cell one", "Cell two", "Outer text", "In the box"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04 not really a zip", id="not a zip"),
        pytest.param(make_docx(None), id="no word/document.xml"),
        pytest.param(make_docx("<w:document><w:body>"), id="broken XML"),
    ],
)
def test_a_damaged_word_document_is_refused(data: bytes) -> None:
    with pytest.raises(TextUnreadable) as caught:
        extract_text("docx", data)
    assert str(caught.value) == (
        "The report could not be read: the Word document is damaged. "
        "Open it in your word processor, save it again as .docx and upload that."
    )


def test_an_entity_bomb_is_refused_before_parsing() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    with pytest.raises(TextUnreadable, match="holds a document type declaration"):
        extract_text("docx", make_docx(bomb))


def test_a_document_too_large_once_unzipped_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_DOCUMENT_XML_BYTES", 1024 * 1024)
    # Compresses to a few kilobytes; unzipped it is over the (lowered) limit of 1 MB.
    big = document_xml("<w:p><w:r><w:t>" + "word " * 300_000 + "</w:t></w:r></w:p>")
    data = make_docx(big)
    assert len(data) < 50_000
    with pytest.raises(TextUnreadable) as caught:
        extract_text("docx", data)
    assert str(caught.value) == (
        "The report could not be read: the Word document's text is larger than 1 MB once "
        "unzipped. Save the report without embedded objects, or as a PDF, and upload that."
    )


def test_a_word_document_without_text_is_refused() -> None:
    with pytest.raises(TextUnreadable, match="the Word document holds no text"):
        extract_text("docx", make_docx(document_xml("<w:p><w:r><w:drawing/></w:r></w:p>")))


def test_a_pdf_gives_the_text_of_its_pages() -> None:
    assert extract_text("pdf", TEXT_PDF).strip() == "Hello report world"


def test_pages_are_joined_with_new_lines() -> None:
    writer = PdfWriter()
    for pdf in (TEXT_PDF, make_pdf(b"BT /F1 12 Tf 72 712 Td (Page two) Tj ET")):
        writer.append(PdfReader(io.BytesIO(pdf)))
    buffer = io.BytesIO()
    writer.write(buffer)
    text = extract_text("pdf", buffer.getvalue())
    assert [line.strip() for line in text.splitlines()] == ["Hello report world", "Page two"]


def test_a_pdf_without_a_text_layer_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", buffer.getvalue())
    assert str(caught.value) == SCANNED_MESSAGE


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.4\nthis is not a PDF at all", id="garbage"),
        pytest.param(TEXT_PDF[: len(TEXT_PDF) // 2], id="truncated"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_broken_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", data)
    assert str(caught.value) == (
        "The report could not be read: the PDF is damaged. Save or export it again from "
        "your word processor, or upload a .docx or .txt file."
    )


def test_a_password_protected_pdf_is_refused() -> None:
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", encrypted(TEXT_PDF, user_password="secret"))
    assert str(caught.value) == (
        "The report could not be read: the PDF is protected by a password. "
        "Save it again without a password, or upload a .docx or .txt file."
    )


def test_a_pdf_restricted_only_against_editing_is_read() -> None:
    assert extract_text("pdf", encrypted(TEXT_PDF, user_password="")).strip() == (
        "Hello report world"
    )


@pytest.mark.parametrize("kind", ["png", "jpeg", ""])
def test_other_kinds_hold_no_text(kind: str) -> None:
    with pytest.raises(TextUnreadable) as caught:
        extract_text(kind, b"\x89PNG\r\n\x1a\n")
    assert str(caught.value).startswith("The report could not be read: a ")
    assert str(caught.value).endswith(
        "holds no text to count. Upload a PDF saved from a word processor, a .docx or a .txt file."
    )


@pytest.mark.django_db
def test_a_stored_upload_is_read_from_storage(
    make_registration: Callable[..., Registration], bob: User
) -> None:
    registration = make_registration()
    upload = SimpleUploadedFile("Report.docx", make_docx(document_xml()))
    stored = store_upload(upload, registration=registration, user=bob, allowed=("docx",))
    assert extract_stored_text(stored) == "Work-based project\nreport \nSecond paragraph"

    path_of(stored).unlink()
    with pytest.raises(TextUnreadable) as caught:
        extract_stored_text(stored)
    assert str(caught.value) == (
        "The report could not be read: the file Report.docx is missing from storage. "
        "Upload the report again."
    )
