"""Sets written blind, before their authors read the rules: floors, not targets.

The held-out FR/EN set and the third to eighth blind batches (real wire style: French, English,
and English conflict-event notes). Each was scored once before any fix; the figures are in
docs/detection.md.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from streams.detectors import Detector
from streams.detectors.scoring import Report, labelled_item, score_item
from streams.events import KINDS

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2024, 1, 1, tzinfo=UTC)
#: Per kind and set. The sets score higher today; the floor leaves room for rule changes
#: that trade one item for a broader fix, and fails on a real regression.
F1_FLOOR = 0.85
#: Sets whose rules were fixed by family against them hold a higher floor, a little under
#: their scores after the fixes.
F1_FLOORS = {"blind5_fr": 0.95, "blind5_en": 0.95, "blind6_en": 0.95, "blind6_notes": 0.95}
#: Killed figure, place and status accuracy over matched events, per set. Event notes name
#: villages no gazetteer lists as a casualty's place, so their place floor is lower.
FIELD_FLOORS = {
    "holdout_fr": (0.85, 0.85, 0.85),
    "holdout_en": (0.85, 0.85, 0.85),
    "blind3_fr": (0.85, 0.75, 0.8),
    "blind3_en": (0.85, 0.75, 0.75),
    "blind3_notes": (0.8, 0.45, 0.85),
    "blind4_fr": (0.9, 0.72, 0.85),
    "blind4_en": (0.85, 0.8, 0.7),
    "blind4_notes": (0.9, 0.88, 0.85),
    "blind5_fr": (0.95, 0.9, 0.8),
    "blind5_en": (0.95, 0.9, 0.82),
    # The sixth batch labels every toll and capture `reported`; parties' own statements read
    # `claimed`, so its status floor is lower.
    "blind6_en": (0.95, 0.95, 0.65),
    "blind6_notes": (0.95, 0.95, 0.9),
    "blind7_fr": (0.95, 0.9, 0.9),
    "blind7_en": (0.85, 0.8, 0.85),
    "blind7_notes": (0.9, 0.75, 0.85),
    "blind8_fr": (0.9, 0.85, 0.85),
    "blind8_en": (0.9, 0.95, 0.85),
}
#: The sixth batch's wire items are fewer: its weight is on event notes.
MIN_SIZES = {"blind6_en": 50, "blind6_notes": 150, "blind8_fr": 70, "blind8_en": 70}
SETS = list(FIELD_FLOORS)


def _load(name: str) -> list[dict[str, Any]]:
    path = DATA / f"detection_{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _report(detector: Detector, name: str) -> Report:
    report = Report()
    for record in _load(name):
        events = detector.detect(labelled_item(record, "blind"), now=NOW)
        score_item(report, record["id"], record["expected"], events)
    return report


@pytest.mark.parametrize("name", SETS)
def test_set_size_and_negatives(name: str) -> None:
    records = _load(name)
    assert len(records) >= MIN_SIZES.get(name, 40 if name.endswith("notes") else 100)
    lang = "en" if name.endswith("notes") else name[-2:]
    assert all(record["lang"] == lang for record in records)
    negatives = sum(not record["expected"] for record in records)
    # Event notes hold fewer kinds of hard negative than wire copy.
    assert (0.25 if name.endswith("notes") else 0.3) <= negatives / len(records) <= 0.45


@pytest.mark.parametrize("name", SETS)
def test_f1_per_kind(detector: Detector, name: str) -> None:
    report = _report(detector, name)
    for kind in KINDS:
        assert report.kinds[kind].f1 >= F1_FLOORS.get(name, F1_FLOOR), (kind, report.mistakes)


@pytest.mark.parametrize("name", SETS)
def test_fields(detector: Detector, name: str) -> None:
    report = _report(detector, name)
    killed, places, statuses = FIELD_FLOORS[name]
    assert Report.share(report.killed) >= killed, report.mistakes
    assert Report.share(report.places) >= places, report.mistakes
    assert Report.share(report.statuses) >= statuses, report.mistakes
