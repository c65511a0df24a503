"""Feeds that cannot hang a poller or pass for healthy: a total deadline, empty answers counted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio as aioredis
from aiohttp import web

from ingest import metrics
from ingest.egress import EgressPolicy
from ingest.feeds import FeedSpec
from ingest.poller import FeedPoller
from ingest.publisher import ItemPublisher
from ingest.sources.base import FeedError, FetchLimits
from kernel.stats import feed_key

#: The local test server is reached through the egress guard's allow-list, never around it.
LOCAL_FEEDS = EgressPolicy.parse("127.0.0.1/32")

pytestmark = pytest.mark.integration

EMPTY_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>quiet</title>'
    b"<language>en</language></channel></rss>"
)


async def trickle(request: web.Request) -> web.StreamResponse:
    """Headers at once, then one byte at a time, never the end: each read is quick, the body is not."""
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    try:
        while True:
            await response.write(b" ")
            await asyncio.sleep(0.2)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


async def slow_headers(request: web.Request) -> web.Response:
    """Accepts the connection, answers after a long while (or when the server stops)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(request.app[RELEASE].wait(), 30)
    return web.Response(body=EMPTY_FEED)


def answer(body: bytes) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A handler that answers ``body`` at once."""

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body)

    return handler


#: Set when the test server stops, so a held request ends at once rather than after 30 s.
RELEASE = web.AppKey("release", asyncio.Event)


@pytest.fixture
async def server() -> AsyncIterator[str]:
    app = web.Application()
    app[RELEASE] = asyncio.Event()
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/slow-headers", slow_headers)
    app.router.add_get("/empty", answer(b""))
    app.router.add_get("/blank", answer(b"  \n\t "))
    app.router.add_get("/no-entries", answer(EMPTY_FEED))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    app[RELEASE].set()
    await runner.cleanup()


@pytest.mark.parametrize("path", ["trickle", "slow-headers"])
async def test_a_fetch_ends_at_its_deadline_whatever_the_trickle(
    server: str, poller_parts: tuple[aioredis.Redis, ItemPublisher], path: str
) -> None:
    client, publisher = poller_parts
    # Every read is quicker than the read timeout: only the total deadline can end the fetch.
    limits = FetchLimits(read_timeout_s=60.0, deadline_s=1.0)
    feed = FeedSpec("drip", f"{server}/{path}", "en", 60)
    poller = FeedPoller(
        [feed], redis=client, publisher=publisher, limits=limits, egress=LOCAL_FEEDS
    )
    try:
        async with asyncio.timeout(30):  # a guard against a hang, not a measurement
            with pytest.raises(FeedError) as error:
                await poller.poll_once(feed)
    finally:
        await poller.aclose()
    assert error.value.reason == "timeout"
    assert "1s deadline" in str(error.value)


@pytest.mark.parametrize("path", ["empty", "blank", "no-entries"])
async def test_an_empty_answer_is_empty_not_ok(
    server: str, poller_parts: tuple[aioredis.Redis, ItemPublisher], path: str
) -> None:
    client, publisher = poller_parts
    feed = FeedSpec("quiet", f"{server}/{path}", "en", 60)
    poller = FeedPoller(
        [feed], redis=client, publisher=publisher, limits=FetchLimits(), egress=LOCAL_FEEDS
    )
    try:
        with pytest.raises(FeedError) as error:
            await poller.poll_once(feed)
    finally:
        await poller.aclose()
    assert error.value.reason == "empty"


async def test_a_trickling_feed_is_logged_counted_and_recorded(
    server: str,
    poller_parts: tuple[aioredis.Redis, ItemPublisher],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, publisher = poller_parts
    feeds = [
        FeedSpec("drip-run", f"{server}/trickle", "en", 60),
        FeedSpec("quiet-run", f"{server}/no-entries", "en", 60),
    ]
    limits = FetchLimits(read_timeout_s=60.0, deadline_s=0.5)
    poller = FeedPoller(feeds, redis=client, publisher=publisher, limits=limits, egress=LOCAL_FEEDS)
    errors = {
        (name, reason): metrics.FEED_ERRORS.labels(name, reason)._value.get()
        for name, reason in (("drip-run", "timeout"), ("quiet-run", "empty"))
    }
    ok = metrics.FEED_POLLS.labels("quiet-run", "ok")._value.get()
    stop = asyncio.Event()
    caplog.set_level(logging.WARNING, logger="ingest.poller")
    task = asyncio.create_task(poller.run(stop))
    async with asyncio.timeout(30):
        while poller.polls_done < 2:
            await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    await poller.aclose()
    for (name, reason), before in errors.items():
        assert metrics.FEED_ERRORS.labels(name, reason)._value.get() == before + 1
    assert metrics.FEED_POLLS.labels("quiet-run", "ok")._value.get() == ok
    health = await client.hgetall(feed_key("drip-run"))
    assert health[b"last_error"].startswith(b"timeout: no complete answer within")
    assert (await client.hgetall(feed_key("quiet-run")))[b"last_error"].startswith(b"empty")
    logged = [record.getMessage() for record in caplog.records]
    assert any("drip-run" in line and "(timeout)" in line for line in logged)
    assert any("quiet-run" in line and "(empty)" in line for line in logged)
