"""Files streamed in pieces: CSV safe to open in a spreadsheet, and JSON arrays of batches.

Pure Python. Both exports of the assessment service's files (certificate claims and EPA
records) write through here, so a large EPAO's file is sent piece by piece, never held whole.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

#: How many characters of CSV are gathered before a piece is sent.
PIECE = 16_000


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading ``=``, ``+``, ``-``, ``@``...)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_pieces(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The header row then every row as CSV, in pieces of about :data:`PIECE` characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > PIECE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_batches(batches: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A JSON array of arrays, one array per batch, in pieces (one a batch)."""
    yield "["
    first = True
    for batch in batches:
        yield ("" if first else ",") + "\n" + json.dumps(list(batch))
        first = False
    yield "\n]\n"
