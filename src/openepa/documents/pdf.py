"""Rendering HTML to a tagged PDF (PDF/UA-1) with WeasyPrint."""

from __future__ import annotations

from typing import Any

import weasyprint


def render_pdf(html: str, *, title: str, base_url: Any = None) -> bytes:
    """The PDF of ``html``: tagged for assistive technology (PDF/UA-1), titled ``title``.

    The document language comes from the ``lang`` of the ``<html>`` element (en-GB in the
    documents' templates); only the system's fonts are used.
    """
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}
    document = weasyprint.HTML(string=html, base_url=str(base_url or ".")).render(**options)
    document.metadata.title = title
    document.metadata.lang = document.metadata.lang or "en-GB"
    result = document.write_pdf(**options)
    assert isinstance(result, bytes)
    return result
