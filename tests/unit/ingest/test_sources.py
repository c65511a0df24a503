"""Sources are found, not listed: each kind of feed is one module declaring its ``format``."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from ingest.feeds import FeedConfigError, FeedSpec
from ingest.sources import discover, formats, source_types
from ingest.sources.base import FeedError
from ingest.sources.rss import RssSource, parse_entries

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>wire</title>
<item><guid>a1</guid><title>Rebels seize Goma</title><description>M23 fighters took the city.</description></item>
</channel></rss>"""


def test_rss_is_the_default_and_only_format_today() -> None:
    assert source_types() == {"rss": RssSource}
    assert formats() == ["rss"]
    assert FeedSpec.from_dict({"name": "wire", "url": "https://x.example/rss"}).format == "rss"


def test_a_feed_naming_an_unknown_format_is_refused_with_the_known_ones() -> None:
    with pytest.raises(
        FeedConfigError, match=r"feeds\[3\] \(api\): 'format' must be one of \['rss'\]"
    ):
        FeedSpec.from_dict({"name": "api", "url": "https://x.example/", "format": "json"}, 3)


def test_rss_entries_become_items_and_an_empty_feed_is_a_failure() -> None:
    feed = FeedSpec("wire", "https://x.example/rss", "en")
    [item] = parse_entries(feed, RSS, "application/rss+xml")
    assert (item.title, item.source, item.lang) == ("Rebels seize Goma", "wire", "en")
    with pytest.raises(FeedError) as error:
        parse_entries(feed, b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    assert error.value.reason == "empty"


def test_a_new_source_is_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "more_sources"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "jsonfeed.py").write_text(
        textwrap.dedent(
            """
            import json
            from collections.abc import Mapping
            from typing import ClassVar

            from ingest.items import WireItem
            from ingest.sources.base import FeedRef, Fetched, SourceContext
            from ingest.sources.http import HttpFetcher


            class JsonFeedSource:
                format: ClassVar[str] = "jsonfeed"

                def __init__(self, context: SourceContext) -> None:
                    self.http = HttpFetcher(context)

                async def fetch(self, feed: FeedRef, validators: Mapping[str, str]) -> Fetched:
                    status, body, _ = await self.http.get(feed.url, validators)
                    items = [
                        WireItem(id=entry["id"], source=feed.name, title=entry["title"])
                        for entry in json.loads(body)["items"]
                    ]
                    return Fetched(status, items)

                async def aclose(self) -> None:
                    await self.http.aclose()
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        found = discover("more_sources")
    finally:
        for name in [name for name in sys.modules if name.startswith("more_sources")]:
            del sys.modules[name]
    assert list(found) == ["jsonfeed"]
