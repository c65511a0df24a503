"""The poller against a real HTTP server, the real broker and the real Redis."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import redis.asyncio as aioredis
from aiohttp import web
from kafka import KafkaConsumer

from ingest.egress import EgressPolicy
from ingest.feeds import FeedSpec
from ingest.poller import FeedPoller
from ingest.publisher import ItemPublisher
from ingest.sources.base import FeedError, FetchLimits
from kernel.contracts import TOPIC_ITEMS
from kernel.stats import feed_items_stat, feed_key, read_series
from vigie.embedded.ports import free_port

pytestmark = pytest.mark.integration

#: The test feed server's own address, allow-listed; every other private target stays refused.
LOCAL_FEEDS = EgressPolicy.parse("127.0.0.1/32")


def rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><description>{title} body</description></item>"
        for guid, title in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<language>en</language>{entries}</channel></rss>"
    ).encode()


@dataclass
class FeedServer:
    """A local feed server whose documents tests change between polls."""

    documents: dict[str, bytes] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.requests.append((path, request.headers.get("If-None-Match")))
        if path == "slow":
            await asyncio.sleep(5)
        status = self.statuses.get(path)
        if status:
            return web.Response(status=status)
        body = self.documents.get(path)
        if body is None:
            return web.Response(status=404)
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(
            body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"}
        )


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer(port=free_port())
    app = web.Application()
    app.router.add_get("/{path}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", server.port).start()
    yield server
    await runner.cleanup()


def consume_items(bootstrap: str) -> list[dict]:
    consumer = KafkaConsumer(
        TOPIC_ITEMS,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=3000,
    )
    records = [json.loads(message.value) | {"_key": message.key.decode()} for message in consumer]
    consumer.close()
    return records


async def test_produces_only_new_or_changed_items(
    feed_server: FeedServer,
    poller_parts: tuple[aioredis.Redis, ItemPublisher],
    kafka_bootstrap: str,
) -> None:
    client, publisher = poller_parts
    feed = FeedSpec("wire", feed_server.url("wire.xml"), "en", 60)
    poller = FeedPoller(
        [feed], redis=client, publisher=publisher, limits=FetchLimits(), egress=LOCAL_FEEDS
    )
    feed_server.documents["wire.xml"] = rss([("a", "First story"), ("b", "Second story")])

    first = await poller.poll_once(feed)
    assert (first.status, first.fetched, first.produced) == (200, 2, 2)

    second = await poller.poll_once(feed)
    assert second.not_modified and second.produced == 0
    assert feed_server.requests[-1][1] is not None  # the ETag was sent back

    feed_server.documents["wire.xml"] = rss(
        [("a", "First story"), ("b", "Second story, updated"), ("c", "Third")]
    )
    third = await poller.poll_once(feed)
    assert (third.fetched, third.produced) == (3, 2)
    await poller.aclose()
    per_feed = await read_series(client, feed_items_stat("wire"), minutes=5)
    assert sum(count for _, count in per_feed) == 4

    records = consume_items(kafka_bootstrap)
    titles = sorted(record["title"] for record in records)
    assert titles == ["First story", "Second story", "Second story, updated", "Third"]
    assert all(record["_key"] == record["id"] for record in records)
    assert {record["lang"] for record in records} == {"en"}


@pytest.mark.parametrize(
    ("path", "setup", "reason"),
    [
        (
            "big.xml",
            lambda s: s.documents.__setitem__("big.xml", rss([("x", "y" * 5000)])),
            "too_large",
        ),
        (
            "bad.xml",
            lambda s: s.documents.__setitem__("bad.xml", b"\x00\x01 not a feed"),
            "malformed",
        ),
        ("err.xml", lambda s: s.statuses.__setitem__("err.xml", 503), "http_5xx"),
        ("gone.xml", lambda s: None, "http_4xx"),
        ("slow", lambda s: None, "timeout"),
    ],
)
async def test_bad_feeds_raise_a_reason(
    feed_server: FeedServer,
    poller_parts: tuple[aioredis.Redis, ItemPublisher],
    path: str,
    setup,
    reason: str,
) -> None:
    client, publisher = poller_parts
    setup(feed_server)
    limits = FetchLimits(max_body_bytes=2000, read_timeout_s=0.5, connect_timeout_s=0.5)
    feed = FeedSpec("bad", feed_server.url(path), "en", 60)
    poller = FeedPoller(
        [feed], redis=client, publisher=publisher, limits=limits, egress=LOCAL_FEEDS
    )
    with pytest.raises(FeedError) as error:
        await poller.poll_once(feed)
    await poller.aclose()
    assert error.value.reason == reason


async def test_a_failing_feed_is_recorded_and_never_stops_the_others(
    feed_server: FeedServer,
    poller_parts: tuple[aioredis.Redis, ItemPublisher],
    kafka_bootstrap: str,
) -> None:
    client, publisher = poller_parts
    feed_server.documents["good.xml"] = rss([("g1", "Good one")])
    down = FeedSpec("down", f"http://127.0.0.1:{free_port()}/x.xml", "en", 60)
    good = FeedSpec("good", feed_server.url("good.xml"), "en", 60)
    poller = FeedPoller(
        [down, good],
        redis=client,
        publisher=publisher,
        limits=FetchLimits(connect_timeout_s=0.5),
        egress=LOCAL_FEEDS,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    for _ in range(100):
        if poller.polls_done >= 2:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 5)
    await poller.aclose()

    down_health = await client.hgetall(feed_key("down"))
    good_health = await client.hgetall(feed_key("good"))
    assert down_health[b"last_error"].startswith(b"connection")
    assert b"last_success_at" not in down_health
    assert good_health[b"http_status"] == b"200" and good_health[b"items_total"] == b"1"
    assert [record["title"] for record in consume_items(kafka_bootstrap)] == ["Good one"]
