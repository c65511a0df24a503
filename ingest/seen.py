"""Forgetting what ingest has published, after the broker lost its log.

The pollers mark an item seen only once the broker acknowledged it, and keep each feed's
``ETag`` / ``Last-Modified`` so an unchanged feed is not even downloaded. Both are right as
long as what the broker acknowledged stays in its log. When it does not (the memory engine
restarted), both would hide items the broker lost; forgetting them makes the next poll
publish every item still in the feeds again, and the stream workers' dedup answers the
events already alerted with the same alert, never a second one.
"""

from __future__ import annotations

import logging
from typing import Any

from redis import Redis as SyncRedis

from kernel.contracts import redis_key
from kernel.stats import FEEDS_KEY, feed_key

log = logging.getLogger(__name__)

#: Fields of a feed's hash that make the next fetch conditional.
VALIDATOR_FIELDS = ("etag", "last_modified")


def forget_published(redis: SyncRedis) -> int:
    """Drop the seen-set and the feeds' validators (synchronous client); return keys dropped."""
    dropped = 0
    batch: list[Any] = []
    for key in redis.scan_iter(match=redis_key("seen", "*"), count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            dropped += int(redis.delete(*batch))
            batch.clear()
    if batch:
        dropped += int(redis.delete(*batch))
    for name in redis.smembers(FEEDS_KEY):
        feed = name.decode() if isinstance(name, bytes) else str(name)
        redis.hdel(feed_key(feed), *VALIDATOR_FIELDS)
    log.warning(
        "the broker lost its log: forgot %d seen item(s) and every feed's validators, "
        "so the next polls publish the feeds' items again",
        dropped,
    )
    return dropped
