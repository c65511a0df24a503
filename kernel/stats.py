"""Operator-facing rolling statistics in Redis: per-minute counters and capped recent lists.

Every process writes here so the status page can show an hour of throughput, feed health,
the latest alerts and dead letters without scraping the processes themselves.

Keys (all under the versioned prefix, all with a TTL or a cap):
- ``stats:<name>:<unix minute>``   counter, expires after two hours (``items:<feed>`` per feed)
- ``chart:<unix 5-minute bucket>`` hash of the charted counters (``CHARTED_STATS``) in that
                                   bucket, expires after 25 hours; 288 small hashes hold a
                                   day (58 KB measured on Valkey, every counter set); per-feed
                                   counters are not charted
- ``recent:<name>``                list of JSON objects, newest first, capped
- ``feed:<name>``                  hash of one feed's health, written by the poller
- ``feeds``                        set of feed names
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from kernel.contracts import redis_key

STATS_TTL_S = 2 * 3600
#: Width of a chart bucket and how long one is kept (a day plus a margin for the oldest bar).
BUCKET_S = 300
CHART_TTL_S = 25 * 3600
RECENT_KEEP = 50

#: Counter names shared by the writers and the status page.
STAT_ITEMS = "items"
STAT_DETECTIONS = "detections"
STAT_ALERTS = "alerts"
STAT_DELIVERIES = "deliveries"
STAT_DEAD = "dead"
#: Delivery outcomes besides delivered and dead: a failed attempt that will be tried again,
#: an alert a silence stopped, a delivery skipped because it was already done.
STAT_RETRIED = "retried"
STAT_SILENCED = "silenced"
STAT_DUPLICATES = "duplicates"
#: Counters also kept in 5-minute buckets for a day, for the console's charts.
CHARTED_STATS = frozenset(
    {
        STAT_ITEMS,
        STAT_DETECTIONS,
        STAT_ALERTS,
        STAT_DELIVERIES,
        STAT_DEAD,
        STAT_RETRIED,
        STAT_SILENCED,
        STAT_DUPLICATES,
    }
)
#: Recent-list names.
RECENT_ALERTS = "alerts"
RECENT_DEAD = "dead"


def feed_items_stat(feed: str) -> str:
    """Name of the per-minute counter of items one feed produced (``items:<feed>``)."""
    return f"{STAT_ITEMS}:{feed}"


def minute_of(now: float | None = None) -> int:
    """The unix minute a timestamp falls in."""
    return int((time.time() if now is None else now) // 60)


def bucket_of(now: float | None = None, width_s: int = BUCKET_S) -> int:
    """The start (unix seconds) of the bucket of ``width_s`` seconds a timestamp falls in."""
    moment = time.time() if now is None else now
    return int(moment // width_s) * width_s


def bucket_span(hours: float, now: float | None = None, width_s: int = BUCKET_S) -> list[int]:
    """Starts of the buckets covering the last ``hours``, oldest first, the current one last."""
    last = bucket_of(now, width_s)
    count = max(1, int(hours * 3600 // width_s))
    return [last - width_s * back for back in range(count - 1, -1, -1)]


def chart_key(bucket: int) -> str:
    """The hash of the charted counters of one bucket."""
    return redis_key("chart", bucket)


def stat_key(name: str, minute: int) -> str:
    """The key of one per-minute counter."""
    return redis_key("stats", name, minute)


def feed_key(name: str) -> str:
    """The hash holding one feed's health."""
    return redis_key("feed", name)


FEEDS_KEY = redis_key("feeds")


def recent_key(name: str) -> str:
    """The capped list of recent entries of one kind."""
    return redis_key("recent", name)


async def bump(redis: Redis, name: str, amount: int = 1, now: float | None = None) -> None:
    """Add ``amount`` to the counter ``name`` for the current minute."""
    pipe = redis.pipeline(transaction=False)
    queue_bump(pipe, name, amount, now)
    await pipe.execute()


def queue_bump(pipe: Any, name: str, amount: int = 1, now: float | None = None) -> None:
    """``bump`` as commands queued on ``pipe``, for a caller with more to send."""
    key = stat_key(name, minute_of(now))
    pipe.incrby(key, amount)
    pipe.expire(key, STATS_TTL_S)
    if name in CHARTED_STATS:
        bucket = chart_key(bucket_of(now))
        pipe.hincrby(bucket, name, amount)
        pipe.expire(bucket, CHART_TTL_S)


async def push_recent(
    redis: Redis, name: str, payload: dict[str, Any], keep: int = RECENT_KEEP
) -> None:
    """Put ``payload`` at the head of the recent list ``name``, keeping the newest ``keep``."""
    pipe = redis.pipeline(transaction=False)
    queue_push_recent(pipe, name, [payload], keep)
    await pipe.execute()


def queue_push_recent(
    pipe: Any, name: str, payloads: Sequence[dict[str, Any]], keep: int = RECENT_KEEP
) -> None:
    """``push_recent`` of several payloads, oldest first, as commands queued on ``pipe``."""
    key = recent_key(name)
    pipe.lpush(key, *(json.dumps(payload, ensure_ascii=False) for payload in payloads))
    pipe.ltrim(key, 0, keep - 1)


async def read_recent(redis: Redis, name: str, count: int = RECENT_KEEP) -> list[dict[str, Any]]:
    """The newest ``count`` entries of a recent list, skipping unreadable ones."""
    entries = []
    for raw in await redis.lrange(recent_key(name), 0, count - 1):
        try:
            entries.append(json.loads(raw))
        except ValueError:
            continue
    return entries


async def read_series(
    redis: Redis, name: str, minutes: int = 60, now: float | None = None
) -> list[tuple[int, int]]:
    """``(unix minute, count)`` for the last ``minutes`` minutes of counter ``name``, oldest first."""
    last = minute_of(now)
    span = list(range(last - minutes + 1, last + 1))
    values = await redis.mget([stat_key(name, minute) for minute in span])
    return [(minute, int(value or 0)) for minute, value in zip(span, values, strict=True)]


async def read_buckets(
    redis: Redis, names: Sequence[str], hours: float = 24, now: float | None = None
) -> tuple[list[int], dict[str, list[int]]]:
    """Bucket starts over the last ``hours`` and each counter's count per bucket, oldest first."""
    span = bucket_span(hours, now)
    pipe = redis.pipeline(transaction=False)
    for bucket in span:
        pipe.hmget(chart_key(bucket), list(names))
    rows = await pipe.execute()
    series = {name: [int(row[index] or 0) for row in rows] for index, name in enumerate(names)}
    return span, series
