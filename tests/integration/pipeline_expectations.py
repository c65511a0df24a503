"""What the replayed pipeline items must give: one alert per real-world event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from kernel.clock import format_time, parse_time

ITEMS_FILE = Path(__file__).parent.parent / "data" / "pipeline_items.jsonl"

#: (kind, GeoNames country code) of each real event in pipeline_items.jsonl.
EXPECTED_EVENTS = sorted(
    [
        ("city_capture", "SY"),
        ("casualty_report", "NG"),
        ("city_capture", "ML"),
        ("casualty_report", "PK"),
    ]
)


def pipeline_items() -> list[dict]:
    """The replay items, as JSON objects, re-dated to end now (the file's dates keep the order)."""
    lines = ITEMS_FILE.read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line]
    newest = max(parse_time(item["published_at"]) for item in items)
    shift = datetime.now(UTC) - newest
    for item in items:
        item["published_at"] = format_time(parse_time(item["published_at"]) + shift)
    return items


def first_alerts(alerts: list[dict]) -> list[tuple[str, str]]:
    """(kind, country) of every distinct alert id, sorted.

    A redelivered item may re-emit the very same alert (same id and revision): that is the
    at-least-once contract, and delivery drops the copy by its idempotency key.
    """
    by_id = {
        alert["id"]: (alert["kind"], (alert["event"].get("place") or {}).get("country", ""))
        for alert in alerts
    }
    return sorted(by_id.values())
