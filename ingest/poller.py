"""``FeedPoller``: polls feeds and publishes only new or changed items.

Per poll: the feed's source (``ingest/sources/``, chosen by the feed's ``format``; RSS/Atom
by default) fetches it with the validators kept in Redis (conditional GET), within a total
deadline and the host's politeness limit; the items it read that were already produced
unchanged (seen-set in Redis) are dropped, the rest published with ``acks=all``, then marked
seen. A failure backs off exponentially and is recorded in the feed's health hash; it never
stops the other feeds. An empty body or a feed without entries is a failure too (``empty``):
a wire that suddenly says nothing is worth a look.

At scale (``run``): one scheduler (``ingest/schedule.py``) keeps every feed's next poll in a
heap and starts each when it is due, at most ``PollPool.max_in_flight`` at once and
``PollPool.per_host`` per host; the first polls are spread over the interval and every next
one is jittered, so polls never come in waves. Each host has its own small pool of keep-alive
connections. A ``Retry-After`` (429, 503) or a ``Cache-Control: max-age`` longer than the
interval pushes a feed's next poll back.

WebSub (``websub``): a feed whose hub pushes it (``ingest/websub_listener.py``) is polled at the
subscriber's longer interval; a pushed body goes through ``publish_items`` like a polled one,
one feed at a time, so an item both pushed and polled is published once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from redis.asyncio import Redis

from ingest import metrics
from ingest.egress import PUBLIC_ONLY, EgressPolicy
from ingest.egress_net import Resolver, system_resolver
from ingest.feed_store import FeedStore
from ingest.feeds import FeedSpec
from ingest.items import WireItem
from ingest.normalize import content_hash
from ingest.schedule import FeedState, next_delay, refresh_period, run_schedule
from ingest.sources import build_source
from ingest.sources.base import FeedError, FetchLimits, Source, SourceContext
from ingest.sources.http import host_of
from ingest.websub import HubLinks
from ingest.websub_listener import WebSubSubscriber
from kernel.contracts import redis_key
from kernel.stats import FEEDS_KEY, STAT_ITEMS, feed_items_stat, feed_key, queue_bump

log = logging.getLogger(__name__)


class Publisher(Protocol):
    """Where new items go (``ItemPublisher`` in production)."""

    async def publish(self, items: list[WireItem]) -> int: ...


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


#: How often a poller with a feed store asks whether its feeds changed (one Redis GET).
VERSION_CHECK_S = 1.0


#: Fields of a feed's hash a poll reads first: its validators and the WebSub hub it named.
HASH_FIELDS = ("etag", "last_modified", "websub_hub", "websub_topic")


def _stored_hub(stored: dict[str, Any]) -> HubLinks | None:
    def text(name: str) -> str:
        value = stored.get(name)
        return value.decode() if isinstance(value, bytes) else str(value or "")

    hub, topic = text("websub_hub"), text("websub_topic")
    return HubLinks(hub, topic) if hub and topic else None


def seen_key(item_id: str) -> str:
    """Redis key holding the content hash of an item already produced."""
    return redis_key("seen", item_id)


class FeedPoller:
    """Polls a set of feeds forever (or once), publishing new items."""

    def __init__(
        self,
        feeds: list[FeedSpec],
        *,
        redis: Redis,
        publisher: Publisher,
        limits: FetchLimits | None = None,
        http: httpx.AsyncClient | None = None,
        egress: EgressPolicy = PUBLIC_ONLY,
        resolver: Resolver = system_resolver,
        pool: PollPool | None = None,
        store: FeedStore | None = None,
        websub: WebSubSubscriber | None = None,
    ) -> None:
        self.feeds = feeds
        self.store = store
        self.redis = redis
        self.publisher = publisher
        self.limits = limits or FetchLimits()
        self.pool = pool or PollPool()
        self.context = SourceContext(
            limits=self.limits,
            egress=egress,
            resolver=resolver,
            per_host=self.pool.per_host,
            keepalive_expiry_s=self.pool.keepalive_expiry_s,
            http=http,
        )
        self._sources: dict[str, Source] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.polls_done = 0
        self.websub = websub
        #: Per feed: the seen check, publish and seen marks of a push and a poll never overlap.
        self._publishing: dict[str, asyncio.Lock] = {}
        if websub is not None:
            websub.deliver = self.publish_items

    def _source(self, feed: FeedSpec) -> Source:
        """The source of the feed's format, built once and shared by every feed of it."""
        source = self._sources.get(feed.format)
        if source is None:
            source = self._sources[feed.format] = build_source(feed.format, self.context)
        return source

    async def aclose(self) -> None:
        """Close the sources' connections."""
        sources = list(self._sources.values())
        self._sources.clear()
        for source in sources:
            await source.aclose()
        if not sources and self.context.http is not None:
            await self.context.http.aclose()

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = host_of(url)
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self.pool.per_host)
        return slot

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
        stored = dict(zip(HASH_FIELDS, await self.redis.hmget(key, list(HASH_FIELDS)), strict=True))
        validators = {
            name: value.decode() if isinstance(value, bytes) else value
            for name, value in stored.items()
            if value and name in ("etag", "last_modified")
        }
        # The deadline starts once the host lets us in: waiting our turn is not the server's fault.
        async with self._host_slot(feed.url):
            try:
                async with asyncio.timeout(self.limits.deadline_s):
                    fetched = await self._source(feed).fetch(feed, validators)
            except TimeoutError as exc:
                raise FeedError(
                    "timeout", f"no complete answer within the {self.limits.deadline_s:g}s deadline"
                ) from exc
        status, items, max_age = fetched.status, fetched.items, fetched.max_age_s
        if fetched.not_modified:
            metrics.FEED_POLLS.labels(feed.name, "not_modified").inc()
            if self.websub is not None:
                self.websub.offer(feed, _stored_hub(stored))
            return PollResult(feed.name, status, not_modified=True, max_age_s=max_age)
        for item in items:
            metrics.ITEMS_FETCHED.labels(feed.name, item.lang).inc()
        validators = fetched.validators
        hub = fetched.hub
        produced = await self.publish_items(
            feed,
            items,
            {
                "etag": validators.get("etag", ""),
                "last_modified": validators.get("last_modified", ""),
                # Kept so a poll answered 304 after a restart still knows the feed's hub.
                "websub_hub": hub.hub if hub else "",
                "websub_topic": hub.topic if hub else "",
            },
        )
        if self.websub is not None:
            self.websub.offer(feed, hub)
        metrics.FEED_POLLS.labels(feed.name, "ok").inc()
        return PollResult(
            feed.name, status, fetched=len(items), produced=produced, max_age_s=max_age
        )

    async def publish_items(
        self, feed: FeedSpec, items: list[WireItem], fields: dict[str, str] | None = None
    ) -> int:
        """Publish the items of ``feed`` not produced unchanged before; return how many.

        Polled and pushed bodies both come through here, one at a time per feed. ``fields``
        go to the feed's hash in the same round trip as the seen marks.
        """
        lock = self._publishing.get(feed.name)
        if lock is None:
            lock = self._publishing[feed.name] = asyncio.Lock()
        async with lock:
            fresh = await self._new_items(feed, items)
            # Produce first, mark seen after the broker acknowledged: a crash in between
            # re-produces (at-least-once), it never loses an item.
            await self.publisher.publish([item for item, _ in fresh])
            # One round trip for what follows: seen marks, minute counters, the feed's fields.
            pipe = self.redis.pipeline(transaction=False)
            for item, digest in fresh:
                pipe.set(seen_key(item.id), digest, ex=self.limits.seen_ttl_s)
                metrics.ITEMS_PRODUCED.labels(feed.name, item.lang).inc()
            if fresh:
                queue_bump(pipe, STAT_ITEMS, len(fresh))
                queue_bump(pipe, feed_items_stat(feed.name), len(fresh))
            if fields:
                pipe.hset(feed_key(feed.name), mapping={k: v for k, v in fields.items()})
            if fresh or fields:
                await pipe.execute()
        return len(fresh)

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
        interval = self.websub.interval_for(feed) if self.websub is not None else feed.interval_s
        delay = next_delay(
            interval,
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
        """Poll every feed on its schedule until ``stop`` is set, then finish the polls begun.

        With a ``store``, the feeds given seed it (``FeedStore.seed``), the stored feeds not
        paused are polled, and a change to the store is picked up within a second or two
        (its version is checked every second; the list is read anyway each poll interval,
        30 s at most).
        """
        if self.store is None:
            if not self.feeds:
                log.info("no feeds configured: the stack processes replayed items only")
                await stop.wait()
                return
            await self._register(self.feeds)
            states = [FeedState(feed) for feed in self.feeds]
            await run_schedule(
                states, self.poll_and_record, stop, max_in_flight=self.pool.max_in_flight
            )
            return
        store = self.store
        await store.seed(self.feeds)
        version = await store.version()
        feeds = await store.active()
        await self._register(feeds)
        known = {feed.name for feed in feeds}
        interval = min([feed.interval_s for feed in self.feeds] + [store.default_interval])
        loop = asyncio.get_running_loop()
        full_read_at = loop.time() + refresh_period(interval)

        async def refresh() -> list[FeedSpec] | None:
            # A change bumps the version: read the list at once. Read it anyway each period,
            # in case the version went back (a Redis restarted without its data).
            nonlocal version, full_read_at
            current_version = await store.version()
            if current_version == version and loop.time() < full_read_at:
                return None
            version = current_version
            full_read_at = loop.time() + refresh_period(interval)
            current = await store.active()
            added = [feed for feed in current if feed.name not in known]
            if added:
                await self._register(added)
            known.clear()
            known.update(feed.name for feed in current)
            return current

        await run_schedule(
            [FeedState(feed) for feed in feeds],
            self.poll_and_record,
            stop,
            max_in_flight=self.pool.max_in_flight,
            refresh=refresh,
            refresh_every_s=VERSION_CHECK_S,
        )
