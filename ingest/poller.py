"""``FeedPoller``: polls feeds with conditional GET and publishes only new or changed items.

Per feed, one loop: fetch (ETag / Last-Modified kept in Redis, connect and read timeouts,
a total deadline, body size cap; redirects followed hop by hop, each hop through the egress
guard, at most ``MAX_REDIRECTS``), parse the bytes with feedparser (it never fetches),
normalise entries, drop those already produced unchanged (seen-set in Redis), publish the
rest with ``acks=all``, then mark them seen. A failure backs off exponentially and is recorded
in the feed's health hash; it never stops the other feeds. An empty body or a feed without
entries is a failure too (``empty``): a wire that suddenly says nothing is worth a look.

At scale (``run``): one scheduler keeps every feed's next poll in a heap and starts each when
it is due, at most ``PollPool.max_in_flight`` at once and ``PollPool.per_host`` per host; the
first polls are spread over the interval and every next one is jittered, so polls never come
in waves. Each host has its own small pool of keep-alive connections. A ``Retry-After`` (429,
503) or a ``Cache-Control: max-age`` longer than the interval pushes a feed's next poll back.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from ingest import metrics
from ingest.egress import PUBLIC_ONLY, EgressPolicy, EgressRefused
from ingest.egress_net import GuardedTransport, Resolver, system_resolver
from ingest.feeds import FeedSpec
from ingest.freshness import parse_max_age, parse_retry_after
from ingest.items import WireItem
from ingest.normalize import content_hash, entry_to_item
from kernel.clock import utcnow
from kernel.contracts import redis_key
from kernel.errors import VigieError
from kernel.stats import FEEDS_KEY, STAT_ITEMS, feed_items_stat, feed_key, queue_bump

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 3600.0
#: Redirects one fetch follows; one more, or a URL seen twice, is a ``redirect_loop``.
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Statuses whose ``Retry-After`` says when to come back.
RETRY_AFTER_STATUSES = frozenset({429, 503})
#: Each next poll is the interval give or take this share, so feeds drift apart, never together.
JITTER = 0.05
#: How fast the first polls of a large feed list go out: spread over the interval, or less.
FIRST_POLLS_PER_S = 100.0


class Publisher(Protocol):
    """Where new items go (``ItemPublisher`` in production)."""

    async def publish(self, items: list[WireItem]) -> int: ...


class FeedError(VigieError):
    """A poll failed; ``reason`` is the metric label (timeout, http_5xx, too_large, ...)."""

    retryable = True

    def __init__(
        self,
        reason: str,
        message: str,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        #: What the server's ``Retry-After`` asked for, in seconds.
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    #: Connect, headers and the whole body: the read timeout alone never ends a slow trickle.
    deadline_s: float = 30.0
    max_body_bytes: int = 5 * 1024 * 1024
    user_agent: str = "Vigie"
    seen_ttl_s: int = 30 * 86400


@dataclass(frozen=True, slots=True)
class PollPool:
    """How many polls run at once, in all and per host, and the connections kept for them."""

    max_in_flight: int = 256
    #: Politeness: concurrent requests (and connections kept) to one host (``host:port``).
    per_host: int = 4
    keepalive_expiry_s: float = 15.0


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll did."""

    feed: str
    status: int
    fetched: int = 0
    produced: int = 0
    not_modified: bool = False
    #: ``Cache-Control`` freshness the server gave, in seconds.
    max_age_s: float | None = None


def seen_key(item_id: str) -> str:
    """Redis key holding the content hash of an item already produced."""
    return redis_key("seen", item_id)


def backoff_delay(interval_s: float, failures: int) -> float:
    """Delay before the next poll after ``failures`` failures in a row, with jitter."""
    if failures <= 0:
        return interval_s
    delay = min(interval_s * (2 ** min(failures, 12)), MAX_BACKOFF_S)
    return max(interval_s, delay * random.uniform(0.8, 1.2))


def next_delay(
    interval_s: float,
    failures: int,
    *,
    retry_after_s: float | None = None,
    max_age_s: float | None = None,
    first: bool = False,
) -> float:
    """Seconds until a feed's next poll: interval jittered, backoff, or what the server asked.

    After a feed's ``first`` poll the next one comes anywhere within the interval: the first
    polls go out quickly, and from the second round on the feeds are spread over the whole
    interval instead of repeating the start's burst every interval.
    A server's ``Retry-After`` or ``max-age`` only ever pushes the poll later, never sooner
    than the interval, and never past ``MAX_BACKOFF_S`` (a hostile header cannot park a feed).
    """
    if failures > 0:
        delay = backoff_delay(interval_s, failures)
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, MAX_BACKOFF_S))
        return delay
    if first:
        delay = interval_s * random.random()
    else:
        delay = interval_s * random.uniform(1 - JITTER, 1 + JITTER)
    if max_age_s is not None and max_age_s > delay:
        delay = min(max_age_s, MAX_BACKOFF_S)
    return delay


def first_delay(interval_s: float, feeds: int) -> float:
    """When a feed's first poll goes out: anywhere in the spread of ``feeds`` first polls."""
    return random.uniform(0, min(interval_s, feeds / FIRST_POLLS_PER_S))


def host_of(url: str) -> str:
    """The politeness key of a URL: its host and port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # httpx refuses the URL a moment later, as ``bad_url``
        port = None
    return f"{parts.hostname or ''}:{port or ''}"


@dataclass
class FeedState:
    """What the scheduler keeps between a feed's polls."""

    feed: FeedSpec
    failures: int = 0
    #: Loop time the next poll is due.
    due: float = 0.0
    polls: int = 0


class FeedPoller:
    """Polls a set of feeds forever (or once), publishing new items."""

    def __init__(
        self,
        feeds: list[FeedSpec],
        *,
        redis: Any,
        publisher: Publisher,
        limits: FetchLimits | None = None,
        http: httpx.AsyncClient | None = None,
        egress: EgressPolicy = PUBLIC_ONLY,
        resolver: Resolver = system_resolver,
        pool: PollPool | None = None,
    ) -> None:
        self.feeds = feeds
        self.redis = redis
        self.publisher = publisher
        self.limits = limits or FetchLimits()
        self.pool = pool or PollPool()
        self._egress = egress
        self._resolver = resolver
        self._tls = httpx.create_ssl_context(trust_env=False)
        # One client per host (``host_of``): httpcore scans its whole pool for every request,
        # so one pool of hundreds of connections costs more CPU than the polls themselves.
        self._shared = http
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.polls_done = 0

    def _client(self, url: str) -> httpx.AsyncClient:
        """The HTTP client of ``url``'s host; every connection goes through the egress guard."""
        if self._shared is not None:
            return self._shared
        host = host_of(url)
        client = self._clients.get(host)
        if client is None:
            connections = httpx.Limits(
                max_connections=self.pool.per_host,
                max_keepalive_connections=self.pool.per_host,
                keepalive_expiry=self.pool.keepalive_expiry_s,
            )
            client = self._clients[host] = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    self.limits.read_timeout_s, connect=self.limits.connect_timeout_s
                ),
                follow_redirects=False,
                headers={"User-Agent": self.limits.user_agent},
                transport=GuardedTransport(
                    self._egress, resolver=self._resolver, limits=connections, verify=self._tls
                ),
            )
        return client

    async def aclose(self) -> None:
        """Close the HTTP clients."""
        clients = list(self._clients.values())
        if self._shared is not None:
            clients.append(self._shared)
        self._clients.clear()
        for client in clients:
            await client.aclose()

    @contextlib.asynccontextmanager
    async def _open(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """The streamed response at the end of ``url``'s redirects, followed one hop at a time."""
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            try:
                client = self._client(url)
                request = client.build_request("GET", url, headers=headers)
            except httpx.InvalidURL as exc:
                raise FeedError("bad_url", f"invalid URL {url!r}: {exc}") from None
            response = await client.send(request, stream=True, follow_redirects=False)
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                try:
                    yield response
                finally:
                    await response.aclose()
                return
            await response.aclose()
            target = urljoin(url, location.strip())
            if urlsplit(target).scheme not in ("http", "https"):
                raise FeedError("bad_redirect", f"redirect from {url} to a non-HTTP URL {target}")
            if target in seen:
                raise FeedError(
                    "redirect_loop", f"redirect loop: {url} redirects to {target} again"
                )
            seen.add(target)
            url = target
        raise FeedError("redirect_loop", f"more than {MAX_REDIRECTS} redirects, last to {url}")

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = host_of(url)
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self.pool.per_host)
        return slot

    async def _fetch(
        self, feed: FeedSpec, validators: dict[str, str]
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        try:
            async with self._open(feed.url, headers) as response:
                if response.status_code == 304:
                    # Read the (empty) body to its end: only then is the connection kept alive.
                    await response.aread()
                    return 304, b"", dict(response.headers)
                if response.status_code >= 400:
                    status = response.status_code
                    family = "http_4xx" if status < 500 else "http_5xx"
                    retry_after = (
                        parse_retry_after(response.headers.get("retry-after"))
                        if status in RETRY_AFTER_STATUSES
                        else None
                    )
                    raise FeedError(family, f"HTTP {status}", status, retry_after)
                declared = int(response.headers.get("content-length") or 0)
                if declared > self.limits.max_body_bytes:
                    raise FeedError("too_large", f"body of {declared} bytes", response.status_code)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.limits.max_body_bytes:
                        raise FeedError(
                            "too_large",
                            f"body over {self.limits.max_body_bytes} bytes",
                            response.status_code,
                        )
                    chunks.append(chunk)
                return response.status_code, b"".join(chunks), dict(response.headers)
        except EgressRefused as exc:
            raise FeedError("unsafe_target", str(exc)) from None
        except httpx.TimeoutException as exc:
            raise FeedError("timeout", f"timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise FeedError("connection", f"{type(exc).__name__}: {exc}") from exc

    def _parse(self, feed: FeedSpec, body: bytes, headers: dict[str, str]) -> list[WireItem]:
        parsed = feedparser.parse(
            body, response_headers={"content-type": headers.get("content-type", "")}
        )
        if not parsed.entries and parsed.get("version"):
            # Recognised as RSS/Atom (even if served with a loose content type), but says nothing.
            raise FeedError("empty", f"a {parsed.get('version')} feed with no entries")
        if parsed.get("bozo") and not parsed.entries:
            reason = parsed.get("bozo_exception")
            raise FeedError("malformed", f"not a feed: {reason}")
        if parsed.get("bozo"):
            log.warning(
                "feed %s is not well-formed (%s); reading its entries anyway",
                feed.name,
                parsed.get("bozo_exception"),
            )
        feed_lang = feed.lang or (parsed.feed.get("language") if parsed.get("feed") else None)
        fetched_at = utcnow()
        items = []
        for entry in parsed.entries:
            try:
                item = entry_to_item(
                    entry,
                    source=feed.name,
                    feed_url=feed.url,
                    feed_lang=feed_lang,
                    fetched_at=fetched_at,
                )
            except Exception as exc:  # one bad entry never costs the others
                log.warning("feed %s: skipped an unreadable entry: %s", feed.name, exc)
                metrics.ITEMS_SKIPPED.labels(feed.name, "invalid").inc()
                continue
            if item is None:
                metrics.ITEMS_SKIPPED.labels(feed.name, "empty").inc()
                continue
            items.append(item)
        return items

    async def _new_items(self, feed: FeedSpec, items: list[WireItem]) -> list[tuple[WireItem, str]]:
        unique: dict[str, WireItem] = {}
        for item in items:
            unique.setdefault(item.id, item)
        if not unique:
            return []
        ids = list(unique)
        previous = await self.redis.mget([seen_key(item_id) for item_id in ids])
        fresh = []
        for item_id, old_hash in zip(ids, previous, strict=True):
            item = unique[item_id]
            new_hash = content_hash(item)
            old = old_hash.decode() if isinstance(old_hash, bytes) else old_hash
            if old == new_hash:
                metrics.ITEMS_SKIPPED.labels(feed.name, "seen").inc()
                continue
            fresh.append((item, new_hash))
        return fresh

    async def poll_once(self, feed: FeedSpec) -> PollResult:
        """Fetch one feed and publish what is new; raise ``FeedError`` on failure."""
        key = feed_key(feed.name)
        stored = await self.redis.hmget(key, ["etag", "last_modified"])
        validators = {
            name: (value.decode() if isinstance(value, bytes) else value)
            for name, value in zip(("etag", "last_modified"), stored, strict=True)
            if value
        }
        # The deadline starts once the host lets us in: waiting our turn is not the server's fault.
        async with self._host_slot(feed.url):
            try:
                async with asyncio.timeout(self.limits.deadline_s):
                    status, body, headers = await self._fetch(feed, validators)
            except TimeoutError as exc:
                raise FeedError(
                    "timeout", f"no complete answer within the {self.limits.deadline_s:g}s deadline"
                ) from exc
        max_age = parse_max_age(headers.get("cache-control"))
        if status == 304:
            metrics.FEED_POLLS.labels(feed.name, "not_modified").inc()
            return PollResult(feed.name, status, not_modified=True, max_age_s=max_age)
        if not body.strip():
            raise FeedError("empty", f"empty body (HTTP {status})", status)
        items = self._parse(feed, body, headers)
        for item in items:
            metrics.ITEMS_FETCHED.labels(feed.name, item.lang).inc()
        fresh = await self._new_items(feed, items)
        # Produce first, mark seen after the broker acknowledged: a crash in between
        # re-produces (at-least-once), it never loses an item.
        await self.publisher.publish([item for item, _ in fresh])
        # One round trip for what follows an answer: seen marks, minute counters, validators.
        pipe = self.redis.pipeline(transaction=False)
        if fresh:
            for item, digest in fresh:
                pipe.set(seen_key(item.id), digest, ex=self.limits.seen_ttl_s)
                metrics.ITEMS_PRODUCED.labels(feed.name, item.lang).inc()
            queue_bump(pipe, STAT_ITEMS, len(fresh))
            queue_bump(pipe, feed_items_stat(feed.name), len(fresh))
        new_validators = {
            "etag": headers.get("etag", ""),
            "last_modified": headers.get("last-modified", ""),
        }
        pipe.hset(key, mapping=new_validators)
        await pipe.execute()
        metrics.FEED_POLLS.labels(feed.name, "ok").inc()
        return PollResult(
            feed.name, status, fetched=len(items), produced=len(fresh), max_age_s=max_age
        )

    async def _record(self, feed: FeedSpec, fields: dict[str, Any], produced: int = 0) -> None:
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.hset(feed_key(feed.name), mapping={k: str(v) for k, v in fields.items()})
            if produced:
                pipe.hincrby(feed_key(feed.name), "items_total", produced)
            await pipe.execute()
        except Exception as exc:  # health bookkeeping must never stop polling
            log.warning("feed %s: cannot record health: %s", feed.name, exc)

    async def _register(self, feeds: list[FeedSpec]) -> None:
        """List the feeds on the status page, a pipeline per thousand."""
        for first in range(0, len(feeds), 1000):
            pipe = self.redis.pipeline(transaction=False)
            for feed in feeds[first : first + 1000]:
                pipe.sadd(FEEDS_KEY, feed.name)
                pipe.hset(
                    feed_key(feed.name),
                    mapping={
                        "name": feed.name,
                        "url": feed.url,
                        "lang": feed.lang or "",
                        "interval_s": str(feed.interval_s),
                    },
                )
            await pipe.execute()

    async def poll_and_record(self, state: FeedState) -> float:
        """Poll one feed, count and record the outcome; return the delay to its next poll."""
        feed = state.feed
        started = time.time()
        fields: dict[str, Any] = {"last_poll_at": started}
        retry_after: float | None = None
        max_age: float | None = None
        produced = 0
        try:
            with metrics.POLL_DURATION.time():
                result = await self.poll_once(feed)
        except FeedError as exc:
            state.failures += 1
            retry_after = exc.retry_after_s
            metrics.FEED_ERRORS.labels(feed.name, exc.reason).inc()
            log.warning(
                "feed %s: %s (%s); failure %d in a row", feed.name, exc, exc.reason, state.failures
            )
            fields.update(
                last_error_at=time.time(),
                last_error=f"{exc.reason}: {exc}",
                http_status=exc.status or "",
            )
        except Exception as exc:  # an unexpected bug in one feed must not end the others
            state.failures += 1
            metrics.FEED_ERRORS.labels(feed.name, "internal").inc()
            log.exception("feed %s: unexpected error", feed.name)
            fields.update(last_error_at=time.time(), last_error=f"internal: {exc}", http_status="")
        else:
            state.failures = 0
            max_age = result.max_age_s
            now = time.time()
            metrics.FEED_LAST_SUCCESS.labels(feed.name).set(now)
            fields.update(last_success_at=now, http_status=result.status, last_error="")
            produced = result.produced
            if produced:
                log.info(
                    "feed %s: %d new item(s) of %d", feed.name, result.produced, result.fetched
                )
        self.polls_done += 1
        state.polls += 1
        delay = next_delay(
            feed.interval_s,
            state.failures,
            retry_after_s=retry_after,
            max_age_s=max_age,
            first=state.polls == 1,
        )
        fields["next_poll_at"] = time.time() + delay
        fields["failures"] = state.failures
        await self._record(feed, fields, produced)
        return delay

    async def run_feed(self, feed: FeedSpec, stop: asyncio.Event) -> None:
        """Poll one feed until ``stop`` is set."""
        await self._register([feed])
        state = FeedState(feed)
        while not stop.is_set():
            delay = await self.poll_and_record(state)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every feed on its schedule until ``stop`` is set, then finish the polls begun."""
        if not self.feeds:
            log.info("no feeds configured: the stack processes replayed items only")
            await stop.wait()
            return
        await self._register(self.feeds)
        loop = asyncio.get_running_loop()
        now = loop.time()
        states = [FeedState(feed) for feed in self.feeds]
        due: list[tuple[float, int]] = []
        for index, state in enumerate(states):
            state.due = now + first_delay(state.feed.interval_s, len(states))
            due.append((state.due, index))
        heapq.heapify(due)
        slots = asyncio.Semaphore(self.pool.max_in_flight)
        running: set[asyncio.Task[None]] = set()

        async def poll(index: int) -> None:
            state = states[index]
            try:
                metrics.POLL_LAG.observe(max(0.0, loop.time() - state.due))
                delay = await self.poll_and_record(state)
            except Exception:  # bookkeeping failed (Redis down): try again at the interval
                log.exception("feed %s: cannot record its poll", state.feed.name)
                delay = next_delay(state.feed.interval_s, state.failures)
            finally:
                slots.release()
            state.due = loop.time() + delay
            heapq.heappush(due, (state.due, index))

        while not stop.is_set():
            wait = due[0][0] - loop.time() if due else 1.0
            if wait > 0:
                # Short naps so a stop is seen within a second even between sparse polls.
                await asyncio.sleep(min(wait, 1.0))
                continue
            await slots.acquire()
            _, index = heapq.heappop(due)
            task = asyncio.create_task(poll(index))
            running.add(task)
            task.add_done_callback(running.discard)
        if running:
            await asyncio.gather(*running, return_exceptions=True)
