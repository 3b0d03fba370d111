"""A PDF that runs scripts or actions when opened is refused at upload, with a clear message."""

from __future__ import annotations

import pytest

from openepa.kernel.uploads import UploadRefused, check_upload
from tests.files.pdfs import (
    javascript_in_object_stream_pdf,
    javascript_names_pdf,
    open_action_destination_pdf,
    open_action_javascript_pdf,
    text_pdf_with,
)
from tests.files.test_text import TEXT_PDF

LIMIT = 20 * 1024 * 1024
REFUSAL = (
    "The selected file report.pdf contains JavaScript or actions that run when it is opened: "
    "save it again as a PDF from your word processor (or print it to PDF) and upload that"
)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(open_action_javascript_pdf(), id="/OpenAction JavaScript"),
        pytest.param(text_pdf_with(page_aa=True), id="/AA on a page"),
        pytest.param(javascript_names_pdf(), id="/Names /JavaScript"),
        pytest.param(javascript_in_object_stream_pdf(), id="compressed in an object stream"),
        pytest.param(
            TEXT_PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 6 0 R ")
            + b"6 0 obj << /S /J#61vaScript /JS (app.alert(1)) >> endobj\n",
            id="hand-written, names escaped",
        ),
        pytest.param(
            b"%PDF-1.4\n1 0 obj << /AA << /O << /S /JavaScript /JS (x) >> >> >> endobj\n",
            id="damaged, read as bytes",
        ),
    ],
)
def test_a_pdf_that_runs_scripts_is_refused(data: bytes) -> None:
    with pytest.raises(UploadRefused) as refused:
        check_upload("report.pdf", data, allowed=("pdf",), max_bytes=LIMIT)
    assert str(refused.value) == REFUSAL


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT_PDF, id="plain"),
        pytest.param(open_action_destination_pdf(), id="/OpenAction that only opens a page"),
    ],
)
def test_a_pdf_without_scripts_is_accepted(data: bytes) -> None:
    checked = check_upload("report.pdf", data, allowed=("pdf",), max_bytes=LIMIT)
    assert checked.kind == "pdf"


def test_an_action_compressed_in_an_object_stream_is_found_by_reading_the_objects() -> None:
    data = javascript_in_object_stream_pdf()
    assert b"/JS" not in data
    assert b"/JavaScript" not in data
    with pytest.raises(UploadRefused):
        check_upload("report.pdf", data, allowed=("pdf",), max_bytes=LIMIT)
