"""Feed redirects, followed hop by hop through the egress guard: a chain that ends on a private
address is refused, a loop or too long a chain is a ``redirect_loop``, a clean chain is read."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from aiohttp import web
from prometheus_client import REGISTRY

from ingest.egress import EgressPolicy
from ingest.feeds import FeedSpec
from ingest.poller import FeedPoller
from ingest.publisher import ItemPublisher
from ingest.sources.base import FeedError
from ingest.sources.http import MAX_REDIRECTS
from kernel.stats import feed_key

pytestmark = pytest.mark.integration

#: The test server's own address is allowed; every other private target stays refused.
LOCAL_FEEDS = EgressPolicy.parse("127.0.0.1/32")
RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><language>en</language>'
    b"<item><guid>r1</guid><title>Redirected story</title><description>d</description></item>"
    b"</channel></rss>"
)


async def lan_resolver(host: str, port: int) -> list[str]:
    """DNS as the tests see it: ``*.internal.example`` is on the LAN, the rest is public."""
    return ["10.20.30.40"] if host.endswith(".internal.example") else ["93.184.216.34"]


class RedirectServer:
    """Serves ``/feed.xml`` and redirects every other path as ``routes`` says."""

    def __init__(self) -> None:
        self.port = 0
        self.routes: dict[str, str] = {}
        self.hits: list[str] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(request.path)
        if request.path == "/feed.xml":
            return web.Response(body=RSS, content_type="application/rss+xml")
        if request.path.startswith("/chain/"):
            step = int(request.path.rsplit("/", 1)[1])
            return web.Response(status=302, headers={"Location": f"/chain/{step + 1}"})
        target = self.routes.get(request.path)
        if target is None:
            return web.Response(status=404)
        return web.Response(status=301, headers={"Location": target.format(port=self.port)})


@pytest.fixture
async def server() -> AsyncIterator[RedirectServer]:
    redirects = RedirectServer()
    app = web.Application()
    app.router.add_get("/{tail:.*}", redirects.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    redirects.port = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    yield redirects
    await runner.cleanup()


@pytest.fixture
async def poller(kafka_bootstrap: str, redis_url: str) -> AsyncIterator[FeedPoller]:
    client = aioredis.from_url(redis_url)
    publisher = ItemPublisher(kafka_bootstrap)
    feed_poller = FeedPoller(
        [], redis=client, publisher=publisher, egress=LOCAL_FEEDS, resolver=lan_resolver
    )
    yield feed_poller
    await feed_poller.aclose()
    publisher.close()
    await client.aclose()


async def test_a_clean_chain_of_redirects_is_followed(
    server: RedirectServer, poller: FeedPoller
) -> None:
    server.routes = {"/old": "/moved", "/moved": "http://127.0.0.1:{port}/feed.xml"}
    result = await poller.poll_once(FeedSpec("moved", server.url("/old"), "en", 60))
    assert (result.status, result.fetched) == (200, 1)
    assert server.hits == ["/old", "/moved", "/feed.xml"]


@pytest.mark.parametrize(
    ("last_hop", "rule"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "metadata"),
        ("http://10.0.0.1/feed.xml", "private"),
        ("http://[::1]:{port}/feed.xml", "loopback"),
        ("http://127.0.0.2:{port}/feed.xml", "loopback"),
        ("http://0x7f000002:{port}/feed.xml", "loopback"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://feeds.internal.example/feed.xml", "private"),
        ("http://[::ffff:10.0.0.1]/feed.xml", "private"),
    ],
)
async def test_a_chain_ending_on_a_refused_address_is_refused_before_connecting(
    server: RedirectServer, poller: FeedPoller, last_hop: str, rule: str
) -> None:
    server.routes = {"/start": "/next", "/next": last_hop}
    with pytest.raises(FeedError) as error:
        await poller.poll_once(FeedSpec("ssrf", server.url("/start"), "en", 60))
    assert error.value.reason == "unsafe_target"
    assert f"is a {rule} address" in str(error.value)
    assert server.hits == ["/start", "/next"]


@pytest.mark.parametrize(
    ("start", "routes", "message"),
    [
        ("/a", {"/a": "/b", "/b": "/a"}, "redirect loop"),
        ("/self", {"/self": "/self"}, "redirect loop"),
        ("/chain/0", {}, f"more than {MAX_REDIRECTS} redirects"),
    ],
)
async def test_loops_and_long_chains_are_redirect_loops(
    server: RedirectServer, poller: FeedPoller, start: str, routes: dict[str, str], message: str
) -> None:
    server.routes = routes
    with pytest.raises(FeedError, match=message) as error:
        await poller.poll_once(FeedSpec("loop", server.url(start), "en", 60))
    assert error.value.reason == "redirect_loop"
    assert len(server.hits) <= MAX_REDIRECTS + 1


async def test_a_redirect_loop_is_counted_and_logged_without_a_traceback(
    server: RedirectServer,
    poller: FeedPoller,
    redis_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.routes = {"/a": "/b", "/b": "/a"}
    feed = FeedSpec("looping", server.url("/a"), "en", 60)

    def errors(reason: str) -> float:
        labels = {"feed": "looping", "reason": reason}
        return REGISTRY.get_sample_value("vigie_feed_errors_total", labels) or 0.0

    before = (errors("redirect_loop"), errors("internal"))
    stop = asyncio.Event()
    with caplog.at_level(logging.WARNING, logger="ingest.poller"):
        task = asyncio.create_task(poller.run_feed(feed, stop))
        for _ in range(100):
            if poller.polls_done:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 5)
    assert (errors("redirect_loop"), errors("internal")) == (before[0] + 1, before[1])
    [line] = [record for record in caplog.records if "looping" in record.getMessage()]
    assert "redirect loop" in line.getMessage() and line.exc_info is None
    client = aioredis.from_url(redis_url)
    health = await client.hgetall(feed_key("looping"))
    await client.aclose()
    assert health[b"last_error"].startswith(b"redirect_loop: redirect loop")
