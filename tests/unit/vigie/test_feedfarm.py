"""The feed farm answers as real wires do: conditional GETs, new items, slow and failing feeds."""

from __future__ import annotations

from collections.abc import AsyncIterator

import feedparser
import httpx
import pytest
import yaml

from ingest.feeds import parse_feeds
from vigie.embedded.feedfarm import FAILING, HEALTHY, RETRY_AFTER_S, THROTTLED, FeedFarm


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    server = await FeedFarm(
        40, hosts=3, failing_share=0.2, throttled_share=0.2, max_age_s=30
    ).start_async()
    yield server
    await server.stop_async()


async def test_feeds_parse_in_both_formats_and_languages(farm: FeedFarm) -> None:
    async with httpx.AsyncClient() as client:
        seen = set()
        for feed in farm.healthy[:8]:
            response = await client.get(feed.url)
            assert response.status_code == 200
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, parsed.get("bozo_exception")
            assert [entry.id for entry in parsed.entries] == [item.guid for item in feed.items]
            assert parsed.feed.get("language", feed.lang).startswith(feed.lang)
            seen.add((feed.format, feed.lang))
    assert seen == {("rss", "en"), ("rss", "fr"), ("atom", "en"), ("atom", "fr")}
    assert len({feed.port for feed in farm.feeds}) == 3


async def test_conditional_get_answers_304_until_an_item_is_published(farm: FeedFarm) -> None:
    feed = farm.healthy[0]
    async with httpx.AsyncClient() as client:
        first = await client.get(feed.url)
        assert first.headers["cache-control"] == "max-age=30"
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert (await client.get(feed.url, headers={"If-None-Match": etag})).status_code == 304
        by_date = await client.get(feed.url, headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304
        item = farm.publish(feed.index, "Rebels took control of Gao on Monday")
        again = await client.get(feed.url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert feedparser.parse(again.content).entries[0].title == item.title
    assert farm.published[item.guid] is item
    assert farm.stats.answers[304] == 2


async def test_failing_and_throttled_feeds(farm: FeedFarm) -> None:
    failing = next(feed for feed in farm.feeds if feed.behaviour == FAILING)
    throttled = next(feed for feed in farm.feeds if feed.behaviour == THROTTLED)
    async with httpx.AsyncClient() as client:
        assert (await client.get(failing.url)).status_code == 500
        answer = await client.get(throttled.url)
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == str(RETRY_AFTER_S)


async def test_feeds_file_lists_every_feed() -> None:
    farm = await FeedFarm(5, hosts=2).start_async()
    specs = parse_feeds(yaml.safe_load(farm.feeds_yaml(10)))
    await farm.stop_async()
    assert [spec.url for spec in specs] == [feed.url for feed in farm.feeds]
    assert {spec.interval_s for spec in specs} == {10.0}
    assert all(feed.behaviour == HEALTHY for feed in farm.feeds)
