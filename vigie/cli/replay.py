"""`vigie replay FILE.jsonl`: push items into the running stack's ``vigie.items``.

With ``--backfill`` the items are an archive: sorted by their ``published_at`` and marked so
the stream workers process them in event time however old they are (Redis keys still expire
``VIGIE_EVENT_TTL_DAYS`` from now), and their alerts carry ``"backfill": true``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kernel.settings import Settings

if TYPE_CHECKING:
    from ingest.items import WireItem
    from ingest.jsonl import ItemLine


def register(subparsers: Any) -> None:
    """Add the ``replay`` subcommand."""
    parser = subparsers.add_parser(
        "replay",
        help="push JSON-lines items into the running stack",
        description="Each line: a JSON object with id, title, text or summary, and optionally "
        "lang, source, published_at, url; unknown fields are ignored. A bad line is reported "
        "with its number and skipped. Items older than events are kept (VIGIE_EVENT_TTL_DAYS, "
        "7) do not alert unless replayed with --backfill.",
    )
    parser.add_argument("file", type=Path, help="JSON-lines file ('-' for stdin)")
    parser.add_argument("--source", default="replay", help="source name for items without one")
    parser.add_argument(
        "--backfill",
        action="store_true",
        help="an archive: process the items in event time (sorted by published_at) however "
        "old; their alerts go to the history and the console, and only to subscriptions "
        "made with --include-backfill",
    )
    parser.set_defaults(handler=run)


def _line_count(path: Path) -> int | None:
    """Lines of a regular file (the progress bar's total), ``None`` for stdin or a pipe."""
    if str(path) == "-" or not path.is_file():
        return None
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _good_items(lines: Iterable[ItemLine], counts: dict[str, int]) -> Iterator[WireItem]:
    """The items of the good lines; each bad line reported and counted."""
    for line in lines:
        if line.item is None:
            counts["bad"] += 1
            print(f"vigie replay: line {line.number}: {line.error}; skipped", file=sys.stderr)
            continue
        yield line.item


def _in_event_time(items: Iterable[WireItem]) -> list[WireItem]:
    """Archive items in the order they happened, marked for backfill, fetched now."""
    from kernel.clock import utcnow

    now = utcnow()
    marked = [replace(item, backfill=True, fetched_at=now) for item in items]
    return sorted(marked, key=lambda item: item.seen_at)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Publish every good line; exit 1 when every line was bad, 2 when no stack is reachable."""
    from tqdm import tqdm

    from ingest.jsonl import read_item_lines
    from ingest.publisher import ItemPublisher, encode_item
    from streams.dedup import DedupPolicy, is_stale
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
    policy = DedupPolicy.from_settings(settings)
    counts = {"bad": 0}
    sent = too_old = 0
    try:
        with open_input(str(args.file)) as stream:
            items: Iterable[WireItem] = _good_items(read_item_lines(stream, args.source), counts)
            total = _line_count(args.file)
            if args.backfill:
                items = _in_event_time(items)
                total = len(items)
            with tqdm(
                unit="item", desc="replay", total=total, file=sys.stderr, disable=None
            ) as progress:
                for item in items:
                    if not args.backfill:
                        # A line's own "backfill" field is not an opt-in: only the flag is.
                        item = replace(item, backfill=False)
                        too_old += is_stale(item, policy)
                    publisher.send_raw(item.id.encode(), encode_item(item))
                    sent += 1
                    progress.update(1)
            publisher.flush()
    except OSError as error:
        print(f"vigie replay: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    finally:
        publisher.close()
    bad = counts["bad"]
    print(f"vigie replay: {sent} item(s) sent, {bad} line(s) skipped", file=sys.stderr)
    if too_old:
        print(
            f"vigie replay: {too_old} item(s) older than {policy.event_ttl_days} days were not "
            "alerted; use --backfill to process them in event time",
            file=sys.stderr,
        )
    if bad and not sent:
        print(f"vigie replay: every line was bad ({bad} skipped): nothing sent", file=sys.stderr)
        return 1
    return 0
