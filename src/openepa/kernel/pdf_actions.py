"""Whether a PDF runs something when it is opened or used: JavaScript, launch or other actions.

A report or annex is opened by the assessor, the IQA and the EPAO: a PDF that runs JavaScript
(an ``/OpenAction`` or a ``/Names`` tree of scripts, any ``/JS``), launches a program or
carries additional actions (``/AA``, run when a page or field is opened, closed or used) is
refused at upload. Word processors never write these. Two looks, either of which refuses:

- pypdf walks every object reachable from the document's catalog (within
  :data:`MAX_OBJECTS`), so actions inside compressed object streams are found;
- the bytes outside streams are read for those names (``#xx`` escapes undone), so a file
  pypdf cannot read, or one with objects the catalog does not reach, is still looked at.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MAX_OBJECTS = 20_000
"""The most objects of one PDF looked at; past it only the bytes are read."""

ACTIVE_KEYS = ("/JS", "/AA", "/JavaScript")
ACTIVE_TYPES = ("/JavaScript", "/Launch")
ACTIVE_NAMES = frozenset(name.encode() for name in (*ACTIVE_KEYS, *ACTIVE_TYPES))

_STREAM_START = re.compile(rb"\bstream\r?\n")
_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def runs_actions(data: bytes) -> bool:
    """Whether the PDF in ``data`` holds JavaScript, launch or additional actions."""
    return _names_outside_streams(data) or _reachable_actions(data)


def _is_active(dictionary: DictionaryObject) -> bool:
    """An action that runs a script or program, or a dictionary that carries such actions."""
    if any(key in dictionary for key in ACTIVE_KEYS):
        return True
    return str(dictionary.get("/S", "")) in ACTIVE_TYPES


def _children(item: Any) -> list[Any]:
    if isinstance(item, DictionaryObject):
        return list(dict.values(item))  # unresolved: indirect objects are followed once each
    if isinstance(item, ArrayObject):
        return list(list.__iter__(item))
    return []


def _walk(root: Any) -> bool:
    """Whether any object reachable from ``root`` is active; stops after MAX_OBJECTS."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    looked = 0
    while stack and looked < MAX_OBJECTS:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        looked += 1
        if isinstance(item, DictionaryObject) and _is_active(item):
            return True
        stack.extend(_children(item))
    return False


def _reachable_actions(data: bytes) -> bool:
    """Whether pypdf finds an active object reachable from the catalog (False if unreadable)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return _walk(reader.trailer.raw_get("/Root"))
    except Exception:  # a PDF pypdf cannot read is judged by its bytes alone
        return False


def _outside_streams(data: bytes) -> bytes:
    """The bytes of ``data`` without the contents of its streams (text, images, fonts)."""
    pieces = []
    position = 0
    while True:
        start = _STREAM_START.search(data, position)
        if start is None:
            pieces.append(data[position:])
            break
        pieces.append(data[position : start.start()])
        end = data.find(b"endstream", start.end())
        if end < 0:
            break
        position = end + len(b"endstream")
    return b" ".join(pieces)


def _names_outside_streams(data: bytes) -> bool:
    """Whether an active name is written outside the streams, escaped with ``#xx`` or not."""
    for match in _NAME.finditer(_outside_streams(data)):
        name = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group())
        if name in ACTIVE_NAMES:
            return True
    return False
