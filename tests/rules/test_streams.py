"""Files streamed in pieces: CSV safe in a spreadsheet, JSON arrays of batches."""

from __future__ import annotations

import json

from openepa.rules import streams


def test_spreadsheet_safe() -> None:
    assert streams.spreadsheet_safe("=SUM(A1)") == "'=SUM(A1)"
    assert streams.spreadsheet_safe("-1") == "'-1"
    assert streams.spreadsheet_safe("@x") == "'@x"
    assert streams.spreadsheet_safe("Van Dijk") == "Van Dijk"
    assert streams.spreadsheet_safe("") == ""


def test_csv_pieces() -> None:
    rows = [["1", "a,b"], ["2", 'say "hi"']]
    text = "".join(streams.csv_pieces(["Id", "Text"], rows))
    assert text == 'Id,Text\n1,"a,b"\n2,"say ""hi"""\n'
    many = list(streams.csv_pieces(["Id"], ([str(n) * 50] for n in range(1000))))
    assert len(many) > 1  # sent in pieces, never held whole
    assert "".join(many).count("\n") == 1001


def test_json_batches() -> None:
    assert json.loads("".join(streams.json_batches([[1, 2], [3]]))) == [[1, 2], [3]]
    assert json.loads("".join(streams.json_batches([]))) == []
