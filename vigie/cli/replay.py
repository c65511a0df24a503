"""`vigie replay FILE.jsonl`: push items into the running stack's ``vigie.items``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

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


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Publish every good line; exit 1 when every line was bad, 2 when no stack is reachable."""
    from tqdm import tqdm

    from ingest.jsonl import read_item_lines
    from ingest.publisher import ItemPublisher, encode_item
    from vigie.cli._common import endpoints_or_exit, open_input

    endpoints = endpoints_or_exit(settings, "vigie replay")
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
    sent = bad = 0
    try:
        with (
            open_input(str(args.file)) as stream,
            tqdm(unit="item", desc="replay", file=sys.stderr, disable=None) as progress,
        ):
            for line in read_item_lines(stream, args.source):
                if line.item is None:
                    bad += 1
                    print(
                        f"vigie replay: line {line.number}: {line.error}; skipped", file=sys.stderr
                    )
                    continue
                publisher.send_raw(line.item.id.encode(), encode_item(line.item))
                sent += 1
                progress.update(1)
            publisher.flush()
    except OSError as error:
        print(f"vigie replay: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    finally:
        publisher.close()
    print(f"vigie replay: {sent} item(s) sent, {bad} line(s) skipped", file=sys.stderr)
    if bad and not sent:
        print(f"vigie replay: every line was bad ({bad} skipped): nothing sent", file=sys.stderr)
        return 1
    return 0
