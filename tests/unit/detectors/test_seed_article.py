"""The article Vigie started from, read as `vigie detect` reads it (dateline removed).

It tells the capture of Raqqa in the conditional and through the SDF's spokesman, recalls the
fall of Mosul, names a province the jihadists still hold, and quotes a cumulative toll of
coalition strikes since 2014 across two countries. The file lives in the shared folder beside
the repository, never copied into it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.items import WireItem
from streams.detectors import Detector

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
_DATELINE = re.compile(r"^\s*date\s+\d{4}-\d{2}\s+")


def _article() -> str:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"the seed article is not beside the repository ({SEEDS})")
    return _DATELINE.sub("", files[0].read_text(encoding="utf-8"))


def test_seed_article_gives_one_claimed_capture_and_no_cumulative_toll(
    detector: Detector,
) -> None:
    text = " ".join(_article().split())
    events = detector.detect(WireItem(id="seed", source="seed", title="", summary=text, lang="fr"))
    captures = [event for event in events if event.kind == "city_capture"]
    assert [(event.place.canonical if event.place else None) for event in captures] == ["Ar Raqqah"]
    capture = captures[0]
    # Announced by the SDF's spokesman and told in the conditional; nobody denies it.
    assert capture.status == "claimed"
    assert capture.actor is not None and "Forces démocratiques syriennes" in capture.actor
    assert capture.from_actor is not None and "Daesh" in capture.from_actor
    tolls = [event for event in events if event.kind == "casualty_report"]
    # 735 is the coalition's cumulative toll since 2014 across Syria and Iraq, not Raqqa's.
    assert all(event.casualties is None or event.casualties.killed is None for event in tolls)
    assert all(event.casualties is None or event.casualties.approximate for event in tolls)
