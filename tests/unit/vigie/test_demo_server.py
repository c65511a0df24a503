"""The demo server moves the sample dates to just before now, keeping their order and format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser

from vigie.embedded.demo import NEWEST_AGE, demo_dir, load_demo_feeds, shift_dates


def published(document: bytes) -> list[datetime]:
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [
        datetime(*(entry.get("published_parsed") or entry.updated_parsed)[:6], tzinfo=UTC)
        for entry in parsed.entries
    ]


def test_demo_dates_end_just_before_now_in_the_same_order() -> None:
    now = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)
    original = {p.name: p.read_bytes() for p in (demo_dir() / "feeds").glob("*.xml")}
    shifted = load_demo_feeds(demo_dir() / "feeds", now=now)
    assert sorted(shifted) == sorted(original)
    newest = max(date for body in shifted.values() for date in published(body))
    assert newest == now - NEWEST_AGE
    for name, body in original.items():
        before, after = published(body), published(shifted[name])
        gaps = {b - a for a, b in zip(before, after, strict=True)}
        assert len(gaps) == 1  # one shift for every item of every feed


def test_shift_dates_keeps_rss_and_atom_formats() -> None:
    rss = b"<item><pubDate>Tue, 17 Nov 2026 10:00:00 +0100</pubDate></item>"
    atom = b"<entry><updated>2026-11-17T09:00:00Z</updated></entry>"
    assert (
        shift_dates(rss, timedelta(days=1))
        == b"<item><pubDate>Wed, 18 Nov 2026 10:00:00 +0100</pubDate></item>"
    )
    assert (
        shift_dates(atom, timedelta(hours=2))
        == b"<entry><updated>2026-11-17T11:00:00Z</updated></entry>"
    )
