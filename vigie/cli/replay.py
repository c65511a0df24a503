"""`vigie replay FILE.jsonl`: push items into the running stack's ``vigie.items``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from vigie.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``replay`` subcommand."""
    parser = subparsers.add_parser(
        "replay",
        help="push JSON-lines items into the running stack",
        description="Each line: a JSON object with id, title, text or summary, and optionally "
        "lang, source, published_at, url; unknown fields are ignored. A bad line is reported "
        "with its number and skipped.",
    )
    parser.add_argument("file", type=Path, help="JSON-lines file ('-' for stdin)")
    parser.add_argument("--source", default="replay", help="source name for items without one")
    parser.set_defaults(handler=run)


def read_items(lines: TextIO, default_source: str) -> Iterator[tuple[int, Any, str | None]]:
    """``(line number, WireItem or None, error)`` for each non-blank line."""
    from ingest.lang import guess_language

    from ingest.items import WireItem

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            text = f"{data.get('title') or ''} {data.get('text') or data.get('summary') or ''}"
            data = {"source": default_source, **data}
            if not data.get("lang"):
                data["lang"] = guess_language(text)
            yield number, WireItem.from_dict(data), None
        except (ValueError, TypeError) as exc:
            yield number, None, str(exc)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Publish every good line; exit 2 when no stack is reachable."""
    from tqdm import tqdm

    from ingest.publisher import ItemPublisher, encode_item
    from vigie.cli._common import endpoints_or_exit

    endpoints = endpoints_or_exit(settings)
    if endpoints is None:
        return 2
    try:
        publisher = ItemPublisher(endpoints.kafka_bootstrap, client_id="vigie-replay")
    except Exception as exc:  # kafka-python raises NoBrokersAvailable and friends
        print(
            f"vigie replay: cannot reach the broker at {endpoints.kafka_bootstrap}: {exc}",
            file=sys.stderr,
        )
        return 2
    stream = sys.stdin if str(args.file) == "-" else args.file.open(encoding="utf-8")
    sent = bad = 0
    try:
        with tqdm(unit="item", desc="replay", file=sys.stderr, disable=None) as progress:
            for number, item, error in read_items(stream, args.source):
                if item is None:
                    bad += 1
                    print(f"vigie replay: line {number}: {error}; skipped", file=sys.stderr)
                    continue
                publisher.send_raw(item.id.encode(), encode_item(item))
                sent += 1
                progress.update(1)
            publisher.flush()
    finally:
        publisher.close()
        if stream is not sys.stdin:
            stream.close()
    print(f"vigie replay: {sent} item(s) sent, {bad} line(s) skipped", file=sys.stderr)
    return 0
