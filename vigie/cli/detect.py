"""`vigie detect [FILE]`: run detection over JSON lines and print one result line per input line.

Input lines are ``{"id", "title", "text" or "summary", optional "lang"}``. Output lines are
``{"id": ..., "events": [...]}`` in input order; a line that cannot be read gives
``{"id": null, "line": N, "error": "..."}`` and the run goes on (bytes that are not UTF-8
too). Blank lines are skipped without output. The exit status is 0 whenever the input could be opened.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ingest.jsonl import read_item_lines
from vigie.cli._common import open_input


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
    for line in read_item_lines(lines, "cli"):
        if line.item is None:
            yield {"id": None, "line": line.number, "error": line.error}
            continue
        events = detector.detect(line.item)
        yield {"id": line.raw_id, "events": [event.to_dict() for event in events]}


def _run(args: argparse.Namespace, settings: Any) -> int:
    try:
        with open_input(args.file) as source:
            for result in detect_lines(source):
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader of stdout left: the command line stops quietly
    except OSError as error:
        print(f"vigie detect: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    return 0
