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

# Configuration, not cache: these keys have no TTL on purpose.
STORED_FEEDS_KEY = redis_key("feeds", "config")
FEEDS_VERSION_KEY = redis_key("feeds", "config", "version")


class FeedExists(FeedFieldError):
    """A feed of that name is already stored."""

    def __init__(self, name: str) -> None:
        super().__init__("name", f"a feed named {name!r} already exists", name)


@dataclass(frozen=True, slots=True)
class StoredFeed:
    """A feed as stored: its spec, whether an operator paused it, and when it was added."""

    spec: FeedSpec
    paused: bool = False
    created_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The stored document (and the API's answer)."""
        return {**self.spec.to_dict(), "paused": self.paused, "created_at": self.created_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredFeed:
        """Read a stored document back; ``FeedFieldError`` when it no longer validates."""
        fields = {key: data.get(key) for key in ("name", "url", "lang", "interval", "format")}
        return cls(
            spec=build_feed(fields),
            paused=bool(data.get("paused")),
            created_at=float(data.get("created_at") or 0.0),
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
        """Add the feeds of the file that are not stored yet; stored ones stay as they are."""
        added = 0
        for spec in feeds:
            feed = StoredFeed(spec, created_at=time.time())
            added += await self.documents.add(spec.name, json.dumps(feed.to_dict()))
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
        """Pause or resume a feed; ``None`` when there is none of that name."""
        feed = await self.get(name)
        if feed is None:
            return None
        feed = replace(feed, paused=paused)
        await self.documents.put(name, json.dumps(feed.to_dict()))
        return feed

    async def remove(self, name: str) -> bool:
        """Delete a feed; ``False`` when there was none."""
        return await self.documents.remove(name)

    async def version(self) -> int:
        """A number that changes whenever a feed is added, paused, resumed or removed."""
        return await self.documents.version()


def _load(raw: bytes | str) -> StoredFeed | None:
    try:
        return StoredFeed.from_dict(json.loads(raw))
    except (ValueError, TypeError, FeedFieldError):
        return None
