"""What the family tables share: one item through the detector, and the towns it says were taken."""

from __future__ import annotations

from datetime import UTC, datetime

from ingest.items import WireItem
from kernel.vocabulary import EventKind
from streams.detectors import Detector
from streams.events import DetectedEvent

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def events(detector: Detector, title: str, summary: str, lang: str) -> list[DetectedEvent]:
    """The events of one item (title, summary, language), detected at ``NOW``."""
    item = WireItem(id="family", source="test", title=title, summary=summary, lang=lang)
    return detector.detect(item, now=NOW)


def captured(detector: Detector, title: str, summary: str, lang: str) -> list[str]:
    """The names of the towns the item says were captured, sorted."""
    return sorted(
        event.place.name if event.place else ""
        for event in events(detector, title, summary, lang)
        if event.kind == EventKind.CITY_CAPTURE
    )
