"""Wire items from JSON lines, as `vigie detect` and `vigie replay` read them.

A line is a JSON object with ``id`` and ``title`` and/or ``text`` (or ``summary``), and
optionally ``lang``, ``source``, ``url``, ``published_at``; unknown fields are ignored.
When ``lang`` is missing it is guessed from the text. Input is UTF-8; a line that is not
is a bad line like any other (read it with ``errors="surrogateescape"`` to let it through).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ingest.items import WireItem
from ingest.lang import guess_language


@dataclass(frozen=True, slots=True)
class ItemLine:
    """One non-blank input line: the item it holds, or why it holds none."""

    number: int
    raw_id: Any = None
    item: WireItem | None = None
    error: str | None = None


def item_from_object(data: Any, default_source: str) -> WireItem:
    """A ``WireItem`` from one decoded line; ``ValueError`` says what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    if data.get("id") in (None, ""):
        raise ValueError("a line needs an 'id'")
    fields = {"source": default_source, **data, "id": str(data["id"])}
    if not fields.get("lang"):
        text = f"{fields.get('title') or ''}\n{fields.get('text') or fields.get('summary') or ''}"
        fields["lang"] = guess_language(text)
    return WireItem.from_dict(fields)


def undecodable(line: str) -> str | None:
    """Why ``line`` is not UTF-8 (read with ``errors="surrogateescape"``), or ``None`` when it is."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as error:
        # surrogateescape keeps each undecodable byte as U+DC80..U+DCFF: name the byte itself.
        byte = ord(line[error.start]) - 0xDC00 if 0xDC80 <= ord(line[error.start]) <= 0xDCFF else 0
        return f"not UTF-8: byte 0x{byte:02x} at character {error.start + 1}"
    return None


def read_item_lines(lines: Iterable[str], default_source: str) -> Iterator[ItemLine]:
    """One ``ItemLine`` per non-blank line, in order; a bad line carries its error."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        problem = undecodable(line)
        if problem:
            yield ItemLine(number, error=problem)
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            yield ItemLine(number, error=f"not JSON: {error}")
            continue
        raw_id = data.get("id") if isinstance(data, dict) else None
        try:
            yield ItemLine(number, raw_id, item_from_object(data, default_source))
        except (ValueError, TypeError) as error:
            yield ItemLine(number, raw_id, error=str(error))
