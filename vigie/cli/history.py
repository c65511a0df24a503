"""`vigie history`: search the history of alerts, print it as a table, CSV, JSON lines or GeoJSON.

Reads the history database directly (``VIGIE_HISTORY_URL``, else ``history.db`` in the data
directory), so it works while the stack is down too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kernel.settings import Settings

FORMATS = ("table", "csv", "jsonl", "geojson")


def register(subparsers: Any) -> None:
    """Add the ``history`` subcommand."""
    parser = subparsers.add_parser(
        "history",
        help="search the history of alerts (table, CSV, JSON lines, GeoJSON)",
        description="Alerts kept by the history writer, newest first. Filters combine; times "
        "are ISO 8601 (2024-05-01 or 2024-05-01T12:00:00Z) and bound the event's first report. "
        "With an alert id, that alert's revision timeline, sources and evidence.",
    )
    parser.add_argument("alert_id", nargs="?", help="one alert: its revisions, sources, evidence")
    parser.add_argument("--since", help="first reported at or after this time")
    parser.add_argument("--until", help="first reported before this time")
    parser.add_argument("--kind", choices=("city_capture", "casualty_report"))
    parser.add_argument("--status", choices=("reported", "claimed", "disputed"))
    parser.add_argument("--country", help="ISO 3166 alpha-2 code (SD, UA, CD)")
    parser.add_argument("--place", help="place name (any case) or GeoNames id")
    parser.add_argument("-q", "--query", dest="q", help="words in the headlines or evidence")
    parser.add_argument("--min-killed", type=int, help="at least this many killed")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="at most this many alerts (default: 50 in a table, all otherwise)",
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the matching alerts; 2 when the history cannot be read or a filter is bad."""
    from alerts.history.export import render
    from alerts.history.store import HistoryQuery, HistoryQueryError, HistoryStore

    url = settings.history_database
    if settings.history_url is None and not (settings.data_dir / "history.db").is_file():
        print(
            f"vigie history: no history in {Path(settings.data_dir).resolve()}: start the stack "
            "with `vigie up` (its history writer keeps alerts there), pass --data-dir, or set "
            "VIGIE_HISTORY_URL",
            file=sys.stderr,
        )
        return 2
    try:
        store = HistoryStore.open(url)
    except Exception as exc:
        print(f"vigie history: cannot open the history: {exc}", file=sys.stderr)
        return 2
    try:
        if args.alert_id:
            detail = store.get(args.alert_id)
            if detail is None:
                print(f"vigie history: no alert {args.alert_id!r} in the history", file=sys.stderr)
                return 1
            if args.format == "table":
                _print_timeline(detail)
            else:
                print(json.dumps(detail, ensure_ascii=False, indent=2))
            return 0
        everything = args.format != "table" and args.limit is None
        try:
            query = HistoryQuery.parse(
                since=args.since,
                until=args.until,
                kind=args.kind,
                status=args.status,
                country=args.country,
                place=args.place,
                q=args.q,
                min_killed=args.min_killed,
                limit=1000 if everything else (args.limit or 50),
            )
        except HistoryQueryError as exc:
            print(f"vigie history: {exc}", file=sys.stderr)
            return 2
        alerts = store.iterate(query) if everything else store.search(query).alerts
        if args.format == "table":
            _print_table(list(alerts))
        else:
            for chunk in render(args.format, alerts):
                sys.stdout.write(chunk)
    finally:
        store.close()
    return 0


def _place(alert: dict[str, Any]) -> str:
    place = alert.get("place") or {}
    name = place.get("canonical") or place.get("name") or "-"
    return f"{name} ({place['country']})" if place.get("country") else name


def _toll(alert: dict[str, Any]) -> str:
    parts = []
    if alert.get("killed") is not None:
        parts.append(f"{alert['killed']} killed")
    if alert.get("wounded") is not None:
        parts.append(f"{alert['wounded']} wounded")
    return ", ".join(parts) or "-"


def _print_table(alerts: list[dict[str, Any]]) -> None:
    rows = [
        (
            (alert["first_seen"] or "")[:16].replace("T", " "),
            alert["id"],
            f"r{alert['revision']}" + (" B" if alert.get("backfill") else ""),
            alert["kind"],
            alert["status"],
            _place(alert),
            _toll(alert),
            alert["headline"].get("en") or alert["headline"].get("fr") or "",
        )
        for alert in alerts
    ]
    header = ("first seen", "id", "rev", "kind", "status", "place", "toll", "headline")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, str(row[-1])]).rstrip())
    if not rows:
        print("(no alert matches)", file=sys.stderr)


def _print_timeline(detail: dict[str, Any]) -> None:
    print(f"{detail['id']}  {detail['kind']}  {_place(detail)}  first seen {detail['first_seen']}")
    for revision in detail["revisions"]:
        evidence = (revision.get("evidence") or {}).get("text") or ""
        flag = " (backfill)" if revision.get("backfill") else ""
        print(
            f"  r{revision['revision']}  {revision['updated']}  {revision['reason']}{flag}  "
            f"{_toll(revision)}  {revision['headline'].get('en', '')}"
        )
        if evidence:
            print(f"      « {evidence} »")
    print("  sources:")
    for source in detail["sources"]:
        print(
            f"    {source['published_at'] or '-'}  {source['feed']} ({source['lang']})  {source['url']}"
        )
