"""Feed entries become clean wire items: plain text, stable ids, languages, UTC times."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
import pytest

from ingest.items import MAX_SUMMARY_CHARS, WireItem, stable_item_id
from ingest.normalize import content_hash, entry_to_item, strip_html
from kernel.clock import parse_time

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><language>fr</language>
<item><guid>urn:wire:1</guid><title>Les forces gouvernementales reprennent la ville</title>
<description>&lt;p&gt;Les forces &lt;b&gt;loyalistes&lt;/b&gt; ont repris la ville &amp;amp; ses faubourgs.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description>
<link>http://example.org/a</link><pubDate>Tue, 17 Oct 2017 10:30:00 +0200</pubDate></item>
<item><title></title><description></description></item>
</channel></rss>"""


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Hello <b>world</b></p><p>again</p>", "Hello world again"),
        ("Tom &amp; Jerry&nbsp;!", "Tom & Jerry !"),
        ("<script>alert(1)</script>kept", "kept"),
        ("plain   text\n here", "plain text here"),
        ("<p>unclosed <b>tag", "unclosed tag"),
    ],
)
def test_strip_html(markup: str, text: str) -> None:
    assert strip_html(markup) == text


def test_entry_to_item_from_rss() -> None:
    parsed = feedparser.parse(RSS)
    item = entry_to_item(
        parsed.entries[0], source="wire-fr", feed_url="http://feeds/fr", feed_lang="fr"
    )
    assert item is not None
    assert item.id == stable_item_id("urn:wire:1", None)
    assert item.summary == "Les forces loyalistes ont repris la ville & ses faubourgs."
    assert item.lang == "fr"
    assert item.published_at == datetime(2017, 10, 17, 8, 30, tzinfo=UTC)
    assert item.source == "wire-fr" and item.url == "http://example.org/a"
    assert entry_to_item(parsed.entries[1], source="w", feed_url="") is None


def test_huge_summary_is_capped() -> None:
    entry = {"title": "t", "summary": "word " * 10_000, "id": "x"}
    item = entry_to_item(entry, source="s", feed_url="", feed_lang="en")
    assert item is not None and len(item.summary) == MAX_SUMMARY_CHARS


def test_item_id_is_stable_and_falls_back_to_link_then_title() -> None:
    assert stable_item_id("g", "l") == stable_item_id("g", "other")
    assert stable_item_id("", "l") == stable_item_id(None, "l") != stable_item_id("", "m")
    assert stable_item_id(None, None, "title") == stable_item_id("", "", "title")


def test_content_hash_tells_a_changed_item() -> None:
    base = WireItem(id="1", source="s", title="t", summary="a")
    assert content_hash(base) == content_hash(
        WireItem(id="1", source="other", title="t", summary="a")
    )
    assert content_hash(base) != content_hash(WireItem(id="1", source="s", title="t", summary="b"))


def test_wire_item_round_trip_and_validation() -> None:
    item = WireItem(
        id="1", source="s", title="t", summary="x", published_at=parse_time("2026-11-01T10:00:00Z")
    )
    assert WireItem.from_dict(json.loads(json.dumps(item.to_dict()))) == item
    assert WireItem.from_dict({"id": "2", "text": "only text", "extra": 1}).summary == "only text"
    with pytest.raises(ValueError, match="id"):
        WireItem.from_dict({"title": "t"})
    with pytest.raises(ValueError, match="title"):
        WireItem.from_dict({"id": "3"})


def test_parse_time_variants() -> None:
    assert parse_time("2026-11-01T10:00:00") == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert parse_time("2026-11-01T12:00:00+02:00") == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


def test_huge_replayed_text_is_capped_by_the_contract() -> None:
    item = WireItem.from_dict({"id": "big", "title": "t" * 10_000, "text": "x" * 1_000_000})
    assert len(item.title) == 500 and len(item.summary) == MAX_SUMMARY_CHARS
