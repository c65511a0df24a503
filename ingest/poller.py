"""``FeedPoller``: polls feeds with conditional GET and publishes only new or changed items.

Per feed, one loop: fetch (ETag / Last-Modified kept in Redis, connect and read timeouts,
a total deadline, body size cap; redirects followed hop by hop, each hop through the egress
guard, at most ``MAX_REDIRECTS``), parse the bytes with feedparser (it never fetches),
normalise entries, drop those already produced unchanged (seen-set in Redis), publish the
rest with ``acks=all``, then mark them seen. A failure backs off exponentially and is recorded
in the feed's health hash; it never stops the other feeds. An empty body or a feed without
entries is a failure too (``empty``): a wire that suddenly says nothing is worth a look.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from ingest.items import WireItem
from ingest.normalize import content_hash, entry_to_item
from kernel.clock import utcnow
from kernel.contracts import redis_key
from kernel.errors import VigieError
from kernel.stats import FEEDS_KEY, STAT_ITEMS, bump, feed_items_stat, feed_key

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 3600.0
#: Redirects one fetch follows; one more, or a URL seen twice, is a ``redirect_loop``.
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class Publisher(Protocol):
    """Where new items go (``ItemPublisher`` in production)."""

    async def publish(self, items: list[WireItem]) -> int: ...


class FeedError(VigieError):
    """A poll failed; ``reason`` is the metric label (timeout, http_5xx, too_large, ...)."""

    retryable = True

    def __init__(self, reason: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


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
class PollResult:
    """What one poll did."""

    feed: str
    status: int
    fetched: int = 0
    produced: int = 0
    not_modified: bool = False


def seen_key(item_id: str) -> str:
    """Redis key holding the content hash of an item already produced."""
    return redis_key("seen", item_id)


def backoff_delay(interval_s: float, failures: int) -> float:
    """Delay before the next poll after ``failures`` failures in a row, with jitter."""
    if failures <= 0:
        return interval_s
    delay = min(interval_s * (2 ** min(failures, 12)), MAX_BACKOFF_S)
    return max(interval_s, delay * random.uniform(0.8, 1.2))


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
    ) -> None:
        self.feeds = feeds
        self.redis = redis
        self.publisher = publisher
        self.limits = limits or FetchLimits()
        # Every connection, first URL and each redirect hop, goes through the egress guard.
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(
                self.limits.read_timeout_s, connect=self.limits.connect_timeout_s
            ),
            follow_redirects=False,
            headers={"User-Agent": self.limits.user_agent},
            transport=GuardedTransport(egress, resolver=resolver),
        )
        self.polls_done = 0

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    @contextlib.asynccontextmanager
    async def _open(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """The streamed response at the end of ``url``'s redirects, followed one hop at a time."""
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            try:
                request = self._http.build_request("GET", url, headers=headers)
            except httpx.InvalidURL as exc:
                raise FeedError("bad_url", f"invalid URL {url!r}: {exc}") from None
            response = await self._http.send(request, stream=True, follow_redirects=False)
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
                    return 304, b"", dict(response.headers)
                if response.status_code >= 400:
                    family = "http_4xx" if response.status_code < 500 else "http_5xx"
                    raise FeedError(family, f"HTTP {response.status_code}", response.status_code)
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
        try:
            async with asyncio.timeout(self.limits.deadline_s):
                status, body, headers = await self._fetch(feed, validators)
        except TimeoutError as exc:
            raise FeedError(
                "timeout", f"no complete answer within the {self.limits.deadline_s:g}s deadline"
            ) from exc
        if status == 304:
            metrics.FEED_POLLS.labels(feed.name, "not_modified").inc()
            return PollResult(feed.name, status, not_modified=True)
        if not body.strip():
            raise FeedError("empty", f"empty body (HTTP {status})", status)
        items = self._parse(feed, body, headers)
        for item in items:
            metrics.ITEMS_FETCHED.labels(feed.name, item.lang).inc()
        fresh = await self._new_items(feed, items)
        # Produce first, mark seen after the broker acknowledged: a crash in between
        # re-produces (at-least-once), it never loses an item.
        await self.publisher.publish([item for item, _ in fresh])
        if fresh:
            pipe = self.redis.pipeline(transaction=False)
            for item, digest in fresh:
                pipe.set(seen_key(item.id), digest, ex=self.limits.seen_ttl_s)
                metrics.ITEMS_PRODUCED.labels(feed.name, item.lang).inc()
            await pipe.execute()
            await bump(self.redis, STAT_ITEMS, len(fresh))
            await bump(self.redis, feed_items_stat(feed.name), len(fresh))
        new_validators = {
            "etag": headers.get("etag", ""),
            "last_modified": headers.get("last-modified", ""),
        }
        await self.redis.hset(key, mapping=new_validators)
        metrics.FEED_POLLS.labels(feed.name, "ok").inc()
        return PollResult(feed.name, status, fetched=len(items), produced=len(fresh))

    async def _record(self, feed: FeedSpec, fields: dict[str, Any]) -> None:
        try:
            await self.redis.hset(
                feed_key(feed.name), mapping={k: str(v) for k, v in fields.items()}
            )
        except Exception as exc:  # health bookkeeping must never stop polling
            log.warning("feed %s: cannot record health: %s", feed.name, exc)

    async def run_feed(self, feed: FeedSpec, stop: asyncio.Event) -> None:
        """Poll one feed until ``stop`` is set."""
        failures = 0
        await self.redis.sadd(FEEDS_KEY, feed.name)
        await self._record(
            feed,
            {
                "name": feed.name,
                "url": feed.url,
                "lang": feed.lang or "",
                "interval_s": feed.interval_s,
            },
        )
        while not stop.is_set():
            started = time.time()
            fields: dict[str, Any] = {"last_poll_at": started}
            try:
                with metrics.POLL_DURATION.labels(feed.name).time():
                    result = await self.poll_once(feed)
            except FeedError as exc:
                failures += 1
                metrics.FEED_ERRORS.labels(feed.name, exc.reason).inc()
                log.warning(
                    "feed %s: %s (%s); failure %d in a row", feed.name, exc, exc.reason, failures
                )
                fields.update(
                    last_error_at=time.time(),
                    last_error=f"{exc.reason}: {exc}",
                    http_status=exc.status or "",
                )
            except Exception as exc:  # an unexpected bug in one feed must not end the others
                failures += 1
                metrics.FEED_ERRORS.labels(feed.name, "internal").inc()
                log.exception("feed %s: unexpected error", feed.name)
                fields.update(
                    last_error_at=time.time(), last_error=f"internal: {exc}", http_status=""
                )
            else:
                failures = 0
                now = time.time()
                metrics.FEED_LAST_SUCCESS.labels(feed.name).set(now)
                fields.update(last_success_at=now, http_status=result.status, last_error="")
                if result.produced:
                    await self.redis.hincrby(feed_key(feed.name), "items_total", result.produced)
                    log.info(
                        "feed %s: %d new item(s) of %d", feed.name, result.produced, result.fetched
                    )
            self.polls_done += 1
            delay = backoff_delay(feed.interval_s, failures)
            fields["next_poll_at"] = time.time() + delay
            fields["failures"] = failures
            await self._record(feed, fields)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every feed concurrently until ``stop`` is set."""
        if not self.feeds:
            log.info("no feeds configured: the stack processes replayed items only")
            await stop.wait()
            return

        # Spread the first polls so many feeds do not hit the network at the same instant.
        async def staggered(feed: FeedSpec, index: int) -> None:
            await asyncio.sleep(min(index * 0.1, 5.0))
            await self.run_feed(feed, stop)

        await asyncio.gather(*(staggered(feed, index) for index, feed in enumerate(self.feeds)))
