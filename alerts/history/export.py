"""Alert summaries as CSV, JSON lines or GeoJSON. Pure: dicts in, text out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

#: Export formats and their media types.
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "geojson": "application/geo+json",
}

#: Columns of the CSV export, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "revision",
    "kind",
    "status",
    "reason",
    "first_seen",
    "updated",
    "place",
    "geoname_id",
    "country",
    "lat",
    "lon",
    "actor",
    "from_actor",
    "killed",
    "wounded",
    "approximate",
    "headline_en",
    "headline_fr",
    "backfill",
    "supersedes",
)


def format_for(requested: str | None, accept: str | None) -> str | None:
    """The export format ``?format=`` names, else the first one ``Accept`` names; ``None``: JSON."""
    if requested:
        return requested if requested in MEDIA_TYPES else None
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        for name, known in MEDIA_TYPES.items():
            if media and media == known.split(";")[0]:
                return name
    return "json"


def flat(alert: dict[str, Any]) -> dict[str, Any]:
    """One alert summary as a flat row (the CSV columns)."""
    place = alert.get("place") or {}
    headline = alert.get("headline") or {}
    return {
        "id": alert["id"],
        "revision": alert["revision"],
        "kind": alert["kind"],
        "status": alert["status"],
        "reason": alert["reason"],
        "first_seen": alert["first_seen"],
        "updated": alert["updated"],
        "place": place.get("canonical") or place.get("name"),
        "geoname_id": place.get("geoname_id"),
        "country": place.get("country"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "actor": alert.get("actor"),
        "from_actor": alert.get("from_actor"),
        "killed": alert.get("killed"),
        "wounded": alert.get("wounded"),
        "approximate": alert.get("approximate"),
        "headline_en": headline.get("en"),
        "headline_fr": headline.get("fr"),
        "backfill": alert.get("backfill"),
        "supersedes": alert.get("supersedes"),
    }


def csv_lines(alerts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A header line, then one CSV line per alert."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for alert in alerts:
        writer.writerow(flat(alert))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():  # no alert: the header alone
        yield buffer.getvalue()


def jsonl_lines(alerts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line."""
    for alert in alerts:
        yield json.dumps(alert, ensure_ascii=False) + "\n"


def feature(alert: dict[str, Any]) -> dict[str, Any]:
    """An alert as a GeoJSON feature: a point at its place (no geometry when not located)."""
    place = alert.get("place") or {}
    located = place.get("lat") is not None and place.get("lon") is not None
    return {
        "type": "Feature",
        "id": alert["id"],
        "geometry": (
            {"type": "Point", "coordinates": [place["lon"], place["lat"]]} if located else None
        ),
        "properties": {
            key: value for key, value in flat(alert).items() if key not in ("lat", "lon")
        },
    }


def geojson_chunks(alerts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A GeoJSON FeatureCollection, written as it goes (one feature per chunk)."""
    yield '{"type":"FeatureCollection","features":['
    for index, alert in enumerate(alerts):
        yield ("," if index else "") + json.dumps(feature(alert), ensure_ascii=False)
    yield "]}\n"


def render(name: str, alerts: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The chunks of ``alerts`` in export format ``name`` (``csv``, ``jsonl``, ``geojson``)."""
    writers = {"csv": csv_lines, "jsonl": jsonl_lines, "geojson": geojson_chunks}
    return writers[name](alerts)
