"""After the broker lost its log, ingest forgets what it published so the feeds' items go
out again (the stream workers' dedup keeps that from alerting twice)."""

from __future__ import annotations

import pytest
import redis

from ingest.poller import seen_key
from ingest.seen import forget_published
from vigie.stats import FEEDS_KEY, feed_key

pytestmark = pytest.mark.integration


def test_forget_published_drops_seen_items_and_feed_validators_only(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for number in range(1500):
        client.set(seen_key(f"item-{number}"), "hash")
    client.sadd(FEEDS_KEY, "afp")
    client.hset(
        feed_key("afp"), mapping={"etag": '"v1"', "last_modified": "yesterday", "name": "afp"}
    )
    client.set("vigie:v1:event:kept", "1")

    assert forget_published(client) == 1500

    assert client.keys(seen_key("*")) == []
    assert client.hgetall(feed_key("afp")) == {b"name": b"afp"}
    assert client.get("vigie:v1:event:kept") == b"1"
    client.close()
