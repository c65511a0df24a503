"""Feeds changed while the poller runs: added through the store they are polled and their items
reach the broker; removed or paused they are polled no more. The file seeds only what is absent."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
import redis.asyncio as aioredis

from alerts.api import create_api
from ingest.egress import EgressPolicy
from ingest.feed_store import FeedExists, FeedStore
from ingest.feeds import FeedFieldError, FeedSpec
from ingest.poller import FeedPoller, seen_key
from ingest.publisher import ItemPublisher
from ingest.sources.base import FetchLimits
from kernel.stats import FEEDS_KEY, feed_key
from vigie.embedded.feedfarm import FarmItem, FeedFarm

pytestmark = pytest.mark.integration

LOCAL_FEEDS = EgressPolicy.parse("127.0.0.1/32")
INTERVAL_S = 1.0


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.2)


async def test_the_store_validates_seeds_and_pauses(redis_url: str) -> None:
    client = aioredis.from_url(redis_url)
    store = FeedStore(client, default_interval=60)
    try:
        added = await store.add({"name": "reuters-world", "url": "https://r.example/world.xml"})
        assert added.spec.interval_s == 60 and not added.paused
        with pytest.raises(FeedExists):
            await store.add({"name": "reuters-world", "url": "https://r.example/other.xml"})
        with pytest.raises(FeedFieldError) as caught:
            await store.add({"name": "afp", "url": "gopher://afp.example"})
        assert caught.value.field == "url"
        version = await store.version()
        paused = await store.set_paused("reuters-world", True)
        assert paused is not None and paused.paused
        assert await store.version() > version
        # The file adds what is absent and leaves the operator's paused feed as it is.
        file_feeds = [
            FeedSpec("reuters-world", "https://r.example/world.xml"),
            FeedSpec("afp-fr", "https://afp.example/fr.xml", "fr"),
        ]
        assert await store.seed(file_feeds) == 1
        assert [feed.name for feed in await store.active()] == ["afp-fr"]
        # A feed the file added follows the file; the operator's stays as the operator left it.
        moved = FeedSpec("afp-fr", "https://afp.example/v2/fr.xml", "fr")
        assert await store.seed([moved, FeedSpec("reuters-world", "https://r.example/v2")]) == 0
        assert (await store.active()) == [moved]
        operators = await store.get("reuters-world")
        assert operators is not None and operators.spec.url == "https://r.example/world.xml"
        assert await store.remove("afp-fr") and not await store.remove("afp-fr")
        assert await store.get("afp-fr") is None
    finally:
        await client.aclose()


async def test_a_feed_added_while_polling_is_polled_and_a_removed_one_no_more(
    poller_parts: tuple[aioredis.Redis, ItemPublisher],
) -> None:
    client, publisher = poller_parts
    farm = await FeedFarm(2).start_async()
    seeded, added = farm.feeds
    store = FeedStore(client, default_interval=INTERVAL_S)
    poller = FeedPoller(
        [FeedSpec(seeded.name, seeded.url, seeded.lang, INTERVAL_S, seeded.format)],
        redis=client,
        publisher=publisher,
        limits=FetchLimits(),
        egress=LOCAL_FEEDS,
        store=store,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(poller.run(stop))

    async def arrived(feed_items: tuple[FarmItem, ...]) -> bool:
        keys = [seen_key(item.item_id) for item in feed_items]
        return all(await client.mget(keys))

    async def is_listed(name: str) -> bool:
        return bool(await client.sismember(FEEDS_KEY, name))

    async def last_poll(name: str) -> bytes | str | None:
        return await client.hget(feed_key(name), "last_poll_at")

    try:
        await wait_for(lambda: arrived(seeded.items), 15)
        await store.add(
            {"name": added.name, "url": added.url, "interval": INTERVAL_S, "format": added.format}
        )
        await wait_for(lambda: arrived(added.items), 15)
        fresh = farm.publish(added.index)
        await wait_for(lambda: arrived((fresh,)), 15)

        # Paused, then resumed: off the status page's list, then on it again.
        await store.set_paused(added.name, True)
        assert not await is_listed(added.name)
        await store.set_paused(added.name, False)
        assert await is_listed(added.name)

        await store.remove(seeded.name)
        assert not await client.sismember(FEEDS_KEY, seeded.name)
        # One refresh and any poll in flight later, the removed feed is left alone.
        await asyncio.sleep(3 * INTERVAL_S)
        before = await last_poll(seeded.name)
        await asyncio.sleep(3 * INTERVAL_S)
        assert await last_poll(seeded.name) == before
        assert await last_poll(added.name) is not None
    finally:
        stop.set()
        await running
        await poller.aclose()
        await farm.stop_async()


async def test_the_api_adds_pauses_and_removes_feeds_naming_wrong_fields(redis_url: str) -> None:
    app = create_api(redis_url, "t0ken", egress=LOCAL_FEEDS)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://vigie",
        headers={"Authorization": "Bearer t0ken"},
    ) as api:
        wire = {"name": "local-wire", "url": "http://127.0.0.1:9/wire.xml", "lang": "en"}
        created = await api.post("/feeds", json=wire)
        assert created.status_code == 201 and created.json()["paused"] is False
        taken = await api.post("/feeds", json=wire)
        assert taken.status_code == 422 and taken.json()["errors"][0].startswith("name:")
        wrong = await api.post("/feeds", json={**wire, "name": "x", "interval": "often"})
        assert wrong.status_code == 422 and wrong.json()["errors"][0].startswith("interval:")
        refused = await api.post("/feeds", json={"name": "meta", "url": "http://10.1.2.3/rss"})
        assert refused.status_code == 422
        assert refused.json()["errors"][0].startswith("url: refused target")

        paused = await api.patch("/feeds/local-wire", json={"paused": True})
        assert paused.status_code == 200 and paused.json()["paused"] is True
        only_paused = await api.patch("/feeds/local-wire", json={"url": "http://127.0.0.1:9/"})
        assert only_paused.status_code == 422
        assert [feed["paused"] for feed in (await api.get("/feeds")).json()] == [True]
        assert (await api.delete("/feeds/local-wire")).status_code == 204
        assert (await api.delete("/feeds/local-wire")).status_code == 404
        assert (await api.get("/feeds")).json() == []
        assert (await api.get("/feeds", headers={"Authorization": ""})).status_code == 401
