"""What the replayed pipeline items must give: one alert per real-world event."""

from __future__ import annotations

import json
from pathlib import Path

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
    """The replay items, as JSON objects."""
    return [
        json.loads(line) for line in ITEMS_FILE.read_text(encoding="utf-8").splitlines() if line
    ]


def first_alerts(alerts: list[dict]) -> list[tuple[str, str]]:
    """(kind, country) of every revision-0 alert, sorted."""
    return sorted(
        (alert["kind"], (alert["event"].get("place") or {}).get("country", ""))
        for alert in alerts
        if alert["revision"] == 0
    )
