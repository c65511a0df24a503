"""Feeds files: valid ones load, bad ones fail with a message that names the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.feeds import FeedConfigError, FeedSpec, load_feeds, parse_feeds


def test_loads_feeds_and_substitutes_demo_base(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "feeds:\n"
        "  - {name: wire-fr, url: '{demo}/fr.xml', lang: fr, interval: 30}\n"
        "  - {name: wire-en, url: 'https://example.org/en.xml'}\n",
        encoding="utf-8",
    )
    feeds = load_feeds(path, default_interval=120, base_url="http://127.0.0.1:8000/")
    assert feeds == [
        FeedSpec("wire-fr", "http://127.0.0.1:8000/fr.xml", "fr", 30.0),
        FeedSpec("wire-en", "https://example.org/en.xml", None, 120.0),
    ]


def test_empty_feed_list_is_valid() -> None:
    assert parse_feeds({"feeds": []}) == []
    assert parse_feeds({"feeds": None}) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "top-level 'feeds:'"),
        ({"feeds": "x"}, "must be a list"),
        ({"feeds": ["x"]}, "feeds[0]: expected a mapping"),
        ({"feeds": [{"name": "a b", "url": "http://x"}]}, "'name'"),
        ({"feeds": [{"name": "a", "url": "ftp://x"}]}, "feeds[0] (a): 'url'"),
        ({"feeds": [{"name": "a", "url": "http://x", "lang": "de"}]}, "'lang'"),
        ({"feeds": [{"name": "a", "url": "http://x", "interval": 0}]}, "'interval'"),
        ({"feeds": [{"name": "a", "url": "http://x", "interval": "soon"}]}, "'interval'"),
        ({"feeds": [{"name": "a", "url": "http://x", "colour": "red"}]}, "unknown field"),
        (
            {"feeds": [{"name": "a", "url": "http://x"}, {"name": "a", "url": "http://y"}]},
            "unique",
        ),
    ],
)
def test_bad_entries_are_named(document: object, message: str) -> None:
    with pytest.raises(FeedConfigError) as error:
        parse_feeds(document)
    assert message in str(error.value)


def test_unreadable_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(FeedConfigError, match="cannot read"):
        load_feeds(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [\n", encoding="utf-8")
    with pytest.raises(FeedConfigError, match="not valid YAML"):
        load_feeds(bad)
