"""Reading a document is bounded: time, pages, bytes, operators and nesting depth.

A hostile or pathological file is given up with a clear reason, never a traceback or a worker
that reads for minutes.
"""

from __future__ import annotations

import itertools
import time

import pytest

from openepa.files.text import Budget, TextUnreadable, extract_text
from openepa.kernel import clock
from tests.files.pdfs import shared_stream_pdf
from tests.files.test_text import TEXT_PDF, W, make_docx, make_pdf

TOO_LONG = "The report could not be read: it is too long to count"


def test_a_thousand_pages_sharing_one_stream_stop_at_the_byte_budget_at_once() -> None:
    data = shared_stream_pdf(pages=1000, stream_bytes=150_000)
    assert len(data) < 200_000  # small on disk: the stream is stored once
    started = time.monotonic()
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", data)
    assert time.monotonic() - started < 15  # reading every page took 6.5 minutes
    assert str(caught.value).startswith(TOO_LONG)
    assert "MB of page content" in str(caught.value)


def test_a_pdf_stops_at_its_operator_budget() -> None:
    stream = b"BT /F1 12 Tf 72 712 Td (one two three) Tj ET\n" * 20
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", make_pdf(stream), Budget(operators=50))
    assert str(caught.value).startswith(TOO_LONG)
    assert "more than 50 drawing operations" in str(caught.value)


def test_a_pdf_stops_at_its_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count(step=45.0)
    monkeypatch.setattr(clock, "monotonic", lambda: next(ticks))
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", shared_stream_pdf(pages=5, stream_bytes=500), Budget(seconds=60))
    assert str(caught.value).startswith(TOO_LONG)
    assert "longer than 60 seconds" in str(caught.value)


def test_a_pdf_nested_too_deeply_stops_at_its_depth_budget() -> None:
    stream = b"q " * 40 + b"BT /F1 12 Tf 72 712 Td (deep) Tj ET " + b"Q " * 40
    with pytest.raises(TextUnreadable) as caught:
        extract_text("pdf", make_pdf(stream), Budget(depth=30))
    assert "nested more than 30 levels deep" in str(caught.value)


def test_an_ordinary_pdf_is_read_within_the_budget() -> None:
    assert extract_text("pdf", TEXT_PDF).strip() == "Hello report world"


def _deep_document(levels: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>'
        + "<w:sdt><w:sdtContent>" * levels
        + "<w:p><w:r><w:t>deep</w:t></w:r></w:p>"
        + "</w:sdtContent></w:sdt>" * levels
        + "</w:body></w:document>"
    )


def test_a_word_document_nested_5000_deep_is_refused_clearly() -> None:
    with pytest.raises(TextUnreadable) as caught:
        extract_text("docx", make_docx(_deep_document(2500)))  # 5,000 elements deep
    assert str(caught.value) == (
        "The report could not be read: the Word document is nested more than 256 levels "
        "deep. Open it in your word processor, save it again as .docx and upload that."
    )


def test_a_word_document_nested_within_the_budget_is_read() -> None:
    assert extract_text("docx", make_docx(_deep_document(100))) == "deep"


def test_a_word_document_stops_at_its_element_budget() -> None:
    body = "<w:p><w:r><w:t>word</w:t></w:r></w:p>" * 100
    xml = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    with pytest.raises(TextUnreadable) as caught:
        extract_text("docx", make_docx(xml), Budget(operators=50))
    assert str(caught.value).startswith(TOO_LONG)
    assert "more than 50 elements" in str(caught.value)


def test_a_utf16_word_document_with_a_dtd_is_refused() -> None:
    bomb = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    with pytest.raises(TextUnreadable) as caught:
        extract_text("docx", make_docx(bomb.encode("utf-16")))
    assert str(caught.value) == (
        "The report could not be read: the Word document holds a document type declaration, "
        "which Word never writes. Open it in your word processor, save it again as .docx "
        "and upload that."
    )


def test_a_utf16_word_document_without_a_dtd_is_read() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Sixteen bits</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    assert extract_text("docx", make_docx(xml.encode("utf-16"))) == "Sixteen bits"
