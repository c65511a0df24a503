"""The demo server maps the sample dates onto the last hours, keeping their order and format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser

from vigie.embedded.demo import NEWEST_AGE, SPAN, demo_dir, load_demo_feeds, move_dates


def published(document: bytes) -> list[datetime]:
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [
        datetime(*(entry.get("published_parsed") or entry.updated_parsed)[:6], tzinfo=UTC)
        for entry in parsed.entries
    ]


def test_demo_dates_fit_the_last_hours_in_the_same_order() -> None:
    now = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)
    original = {p.name: p.read_bytes() for p in (demo_dir() / "feeds").glob("*.xml")}
    moved = load_demo_feeds(demo_dir() / "feeds", now=now)
    assert sorted(moved) == sorted(original)
    before = [date for name in sorted(original) for date in published(original[name])]
    after = [date for name in sorted(moved) for date in published(moved[name])]
    assert max(after) == now - NEWEST_AGE
    assert min(after) >= now - NEWEST_AGE - SPAN - timedelta(seconds=1)
    order = sorted(range(len(before)), key=lambda index: before[index])
    assert [after[index] for index in order] == sorted(after)  # the stories keep their order


def test_move_dates_keeps_rss_and_atom_formats() -> None:
    rss = b"<item><pubDate>Tue, 17 Nov 2026 10:00:00 +0100</pubDate></item>"
    atom = b"<entry><updated>2026-11-17T09:00:00Z</updated></entry>"
    assert (
        move_dates(rss, lambda date: date + timedelta(days=1))
        == b"<item><pubDate>Wed, 18 Nov 2026 10:00:00 +0100</pubDate></item>"
    )
    assert (
        move_dates(atom, lambda date: date + timedelta(hours=2))
        == b"<entry><updated>2026-11-17T11:00:00Z</updated></entry>"
    )
