"""`vigie detect [FILE]`: run detection over JSON lines and print one result line per input line.

Input lines are ``{"id", "title", "text" or "summary", optional "lang"}``. Output lines are
``{"id": ..., "events": [...]}`` in input order; a line that cannot be read gives
``{"id": null, "line": N, "error": "..."}`` and the run goes on. Blank lines are skipped
without output. The exit status is 0 whenever the input could be opened.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from ingest.items import WireItem
from ingest.lang import guess_language


def register(subparsers: Any) -> None:
    """Add the `detect` subcommand."""
    parser = subparsers.add_parser(
        "detect",
        help="detect captures and casualty reports in JSON lines (file or stdin)",
        description=(__doc__ or "").split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("file", nargs="?", default="-", help="JSON lines file (default: stdin)")
    parser.set_defaults(handler=_run)


def detect_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One result per non-blank input line, in order; bad lines become error results."""
    from streams.detectors import default_detector

    detector = default_detector()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("a line must be a JSON object")
            item = _item(data)
        except ValueError as error:
            yield {"id": None, "line": number, "error": str(error)}
            continue
        events = detector.detect(item)
        yield {"id": data.get("id"), "events": [event.to_dict() for event in events]}


def _item(data: dict[str, Any]) -> WireItem:
    """A wire item from an input line; the language is guessed when the line has none."""
    fields = dict(data)
    fields.setdefault("source", "cli")
    if fields.get("id") in (None, ""):
        raise ValueError("a line needs an 'id'")
    fields["id"] = str(fields["id"])
    if not fields.get("lang"):
        text = f"{fields.get('title') or ''}\n{fields.get('summary') or fields.get('text') or ''}"
        fields["lang"] = guess_language(text)
    return WireItem.from_dict(fields)


def _run(args: argparse.Namespace, settings: Any) -> int:
    source: TextIO
    if args.file == "-":
        source = sys.stdin
    else:
        try:
            source = open(args.file, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            print(f"vigie detect: cannot read {args.file}: {error}", file=sys.stderr)
            return 2
    try:
        for result in detect_lines(source):
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    finally:
        if source is not sys.stdin:
            source.close()
    return 0
