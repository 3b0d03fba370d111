"""PDFs made for the tests with pypdf: many pages sharing one stream, and PDFs that run scripts."""

from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

LINE = b"BT /F1 12 Tf 72 712 Td (the same words on every page of this report) Tj ET\n"


def _font() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def shared_stream_pdf(pages: int = 1000, stream_bytes: int = 150_000) -> bytes:
    """A PDF of ``pages`` pages that all show one content stream of ``stream_bytes`` bytes.

    The file is small (the stream is stored once, compressed) but reading every page's text
    parses the whole stream once per page.
    """
    writer = PdfWriter()
    stream = StreamObject()
    stream.set_data(LINE * max(1, stream_bytes // len(LINE)))
    contents = writer._add_object(stream.flate_encode())
    font = writer._add_object(_font())
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for _ in range(pages):
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Contents")] = contents
        page[NameObject("/Resources")] = resources
    return _written(writer)


def javascript_action(script: str = "app.alert('hello')") -> DictionaryObject:
    """A JavaScript action dictionary."""
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def text_pdf_with(catalog_entries: dict[str, object] | None = None, page_aa: bool = False) -> bytes:
    """A one-page PDF with words on it and, optionally, actions in its catalog or page."""
    writer = PdfWriter()
    stream = StreamObject()
    stream.set_data(LINE)
    page = writer.add_blank_page(width=612, height=792)
    page[NameObject("/Contents")] = writer._add_object(stream)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(_font())})}
    )
    if page_aa:
        page[NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): writer._add_object(javascript_action())}
        )
    for key, value in (catalog_entries or {}).items():
        writer._root_object[NameObject(key)] = value  # type: ignore[index]
    return _written(writer)


def open_action_javascript_pdf() -> bytes:
    """A PDF whose /OpenAction runs JavaScript when it is opened."""
    return text_pdf_with({"/OpenAction": javascript_action()})


def open_action_destination_pdf() -> bytes:
    """A PDF whose /OpenAction only opens page one to fit the window: no script, acceptable."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(  # type: ignore[index]
        [page.indirect_reference, NameObject("/Fit")]
    )
    return _written(writer)


def javascript_names_pdf() -> bytes:
    """A PDF with document-level JavaScript in its /Names tree."""
    return text_pdf_with(
        {
            "/Names": DictionaryObject(
                {
                    NameObject("/JavaScript"): DictionaryObject(
                        {
                            NameObject("/Names"): ArrayObject(
                                [TextStringObject("start"), javascript_action()]
                            )
                        }
                    )
                }
            )
        }
    )


def javascript_in_object_stream_pdf() -> bytes:
    """A PDF 1.5 whose /OpenAction is a JavaScript action stored compressed in an object stream.

    Its bytes never show ``/JS`` or ``/JavaScript``: only reading the objects finds them.
    """
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + action)
    plain = [
        (1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"),
        (
            5,
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream" % (len(header), len(packed), packed),
        ),
    ]
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    for number, body in plain:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 7):
        if number == 4:
            rows.append(struct.pack(">BIH", 2, 5, 0))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n" % (len(table), table)
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)
