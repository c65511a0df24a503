"""``FeedStore``: the feeds to poll, kept in Redis so the console, the API and ``vigie feeds``
can add, pause and remove them while the poller runs; the feeds file seeds it at start."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Any

from redis.asyncio import Redis

from ingest.feeds import DEFAULT_INTERVAL_S, FeedFieldError, FeedSpec, build_feed
from kernel.contracts import redis_key
from kernel.documents import DocumentHash
from kernel.stats import FEEDS_KEY, feed_key

# Configuration, not cache: these keys have no TTL on purpose.
STORED_FEEDS_KEY = redis_key("feeds", "config")
FEEDS_VERSION_KEY = redis_key("feeds", "config", "version")
FROM_FILE = "file"
OPERATOR = "operator"


class FeedExists(FeedFieldError):
    """A feed of that name is already stored."""

    def __init__(self, name: str) -> None:
        super().__init__("name", f"a feed named {name!r} already exists", name)


@dataclass(frozen=True, slots=True)
class StoredFeed:
    """A feed as stored: its spec, whether an operator paused it, when it was added, and where
    it came from (``file``: the feeds file, which updates it at start; ``operator``: never)."""

    spec: FeedSpec
    paused: bool = False
    created_at: float = 0.0
    origin: str = OPERATOR

    def to_dict(self) -> dict[str, Any]:
        """The stored document (and the API's answer)."""
        return {
            **self.spec.to_dict(),
            "paused": self.paused,
            "created_at": self.created_at,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredFeed:
        """Read a stored document back; ``FeedFieldError`` when it no longer validates."""
        fields = {key: data.get(key) for key in ("name", "url", "lang", "interval", "format")}
        return cls(
            spec=build_feed(fields),
            paused=bool(data.get("paused")),
            created_at=float(data.get("created_at") or 0.0),
            origin=FROM_FILE if data.get("origin") == FROM_FILE else OPERATOR,
        )


class FeedStore:
    """Add, list, pause and remove the feeds the poller polls."""

    def __init__(self, redis: Redis, default_interval: float = DEFAULT_INTERVAL_S) -> None:
        self.documents = DocumentHash(redis, STORED_FEEDS_KEY, FEEDS_VERSION_KEY)
        self.default_interval = default_interval

    async def add(self, data: dict[str, Any]) -> StoredFeed:
        """Validate ``data`` and store it; ``FeedFieldError`` (or ``FeedExists``) when wrong."""
        paused = bool(data.get("paused"))
        spec = build_feed(
            {key: value for key, value in data.items() if key != "paused"}, self.default_interval
        )
        feed = StoredFeed(spec, paused=paused, created_at=time.time())
        if not await self.documents.add(spec.name, json.dumps(feed.to_dict())):
            raise FeedExists(spec.name)
        return feed

    async def seed(self, feeds: list[FeedSpec]) -> int:
        """Add the file's feeds not stored yet; answer how many were added.

        A feed the file added before follows the file (its URL, interval … are updated, its
        paused state kept); a feed an operator added is never changed by the file.
        """
        added = 0
        for spec in feeds:
            feed = StoredFeed(spec, created_at=time.time(), origin=FROM_FILE)
            if await self.documents.add(spec.name, json.dumps(feed.to_dict())):
                added += 1
                continue
            stored = await self.get(spec.name)
            if stored is not None and stored.origin == FROM_FILE and stored.spec != spec:
                await self.documents.put(
                    spec.name, json.dumps(replace(stored, spec=spec).to_dict())
                )
        return added

    async def get(self, name: str) -> StoredFeed | None:
        """The feed named ``name``, or ``None``."""
        raw = await self.documents.get(name)
        return _load(raw) if raw is not None else None

    async def all(self) -> list[StoredFeed]:
        """Every readable feed, oldest first."""
        feeds = [feed for feed in map(_load, await self.documents.values()) if feed is not None]
        return sorted(feeds, key=lambda feed: (feed.created_at, feed.spec.name))

    async def active(self) -> list[FeedSpec]:
        """The feeds to poll now: every stored feed not paused."""
        return [feed.spec for feed in await self.all() if not feed.paused]

    async def set_paused(self, name: str, paused: bool) -> StoredFeed | None:
        """Pause or resume a feed; ``None`` when there is none of that name.

        A paused feed leaves the status page's list (it would show as late) until resumed.
        """
        feed = await self.get(name)
        if feed is None:
            return None
        feed = replace(feed, paused=paused)
        await self.documents.put(name, json.dumps(feed.to_dict()))
        redis = self.documents.redis
        await (redis.srem(FEEDS_KEY, name) if paused else redis.sadd(FEEDS_KEY, name))
        return feed

    async def remove(self, name: str) -> bool:
        """Delete a feed, and its line on the status page; ``False`` when there was none."""
        removed = await self.documents.remove(name)
        if removed:
            pipe = self.documents.redis.pipeline(transaction=False)
            pipe.srem(FEEDS_KEY, name)
            pipe.delete(feed_key(name))
            await pipe.execute()
        return removed

    async def version(self) -> int:
        """A number that changes whenever a feed is added, paused, resumed or removed."""
        return await self.documents.version()


def _load(raw: bytes | str) -> StoredFeed | None:
    try:
        return StoredFeed.from_dict(json.loads(raw))
    except (ValueError, TypeError, FeedFieldError):
        return None
