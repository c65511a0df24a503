"""The labelled FR/EN set, item by item and as a whole (F1 >= 0.90 per kind and language)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from streams.detectors import Detector
from streams.detectors.scoring import Report, labelled_item, place_matches, score_item
from streams.events import KINDS

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def _load(lang: str) -> list[dict[str, Any]]:
    path = DATA / f"detection_{lang}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


RECORDS = _load("fr") + _load("en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_set_size_and_coverage(lang: str) -> None:
    records = _load(lang)
    assert len(records) >= 200
    families = {record["family"].split("-")[0] for record in records}
    assert {"capture", "cas", "neg"} <= families
    assert sum(not record["expected"] for record in records) >= 50


@pytest.mark.parametrize("record", RECORDS, ids=[record["id"] for record in RECORDS])
def test_item(detector: Detector, record: dict[str, Any]) -> None:
    events = detector.detect(labelled_item(record), now=NOW)
    assert sorted(event.kind for event in events) == sorted(e["kind"] for e in record["expected"])
    for wanted in record["expected"]:
        same_kind = [event for event in events if event.kind == wanted["kind"]]
        place = wanted.get("place")
        event = next((e for e in same_kind if place and place_matches(place, e)), same_kind[0])
        if place:
            assert place_matches(place, event), event.place
        assert event.status == wanted["status"]
        for field in ("killed", "wounded", "missing"):
            if field in wanted:
                assert event.casualties is not None
                assert getattr(event.casualties, field) == wanted[field]
        if wanted.get("approximate"):
            assert event.casualties is not None and event.casualties.approximate


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_f1_per_kind(detector: Detector, lang: str) -> None:
    report = Report()
    for record in _load(lang):
        score_item(
            report,
            record["id"],
            record["expected"],
            detector.detect(labelled_item(record), now=NOW),
        )
    for kind in KINDS:
        assert report.kinds[kind].f1 >= 0.90, (kind, report.mistakes)
