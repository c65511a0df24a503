"""`vigie ingest` against a farm of 200 feeds: every new item reaches `vigie.items` exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis

from kernel.contracts import TOPIC_ITEMS
from kernel.stats import feed_key
from vigie.embedded.feedfarm import RETRY_AFTER_S, THROTTLED

from .farm import (
    INTERVAL_S,
    answering,
    assert_each_once,
    expected_ids,
    mixed_farm,
    publish_round,
)
from .stack import read_topic, start_ingest, stop_process, wait_until_async

pytestmark = pytest.mark.integration


async def test_every_new_item_of_200_feeds_arrives_once(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    farm = mixed_farm()
    await farm.start_async()
    feeds_file = farm.write_feeds_file(tmp_path / "feeds.yaml", INTERVAL_S)
    process = start_ingest(tmp_path / "data", feeds_file, kafka_bootstrap, redis_url)
    try:
        await wait_until_async(lambda: farm.stats.requests >= len(farm.feeds), 30)
        # New items while the poller runs: one in each of 60 feeds, then a second in 20.
        publish_round(farm, 0)
        await asyncio.sleep(INTERVAL_S)
        publish_round(farm, 1)
        expected = expected_ids(farm)
        await wait_until_async(
            lambda: expected <= {r["id"] for r in read_topic(kafka_bootstrap, TOPIC_ITEMS, 500)},
            30,
        )
        # Two more rounds of polls: all answered 304, nothing produced again.
        await asyncio.sleep(2 * INTERVAL_S)
    finally:
        # Off the event loop: the farm answers the polls in flight until ingest has stopped.
        code, errors = await asyncio.to_thread(stop_process, process)
        await farm.stop_async()
    assert code == 0, errors

    assert_each_once((r["id"] for r in read_topic(kafka_bootstrap, TOPIC_ITEMS)), expected)
    assert farm.stats.answers[304] > len(answering(farm))
    # A throttled feed is polled once, then left alone for as long as it asked.
    client = redis.Redis.from_url(redis_url)
    throttled = next(feed for feed in farm.feeds if feed.behaviour == THROTTLED)
    health = client.hgetall(feed_key(throttled.name))
    client.close()
    assert health[b"http_status"] == b"429"
    wait = float(health[b"next_poll_at"]) - float(health[b"last_poll_at"])
    assert wait >= RETRY_AFTER_S - 1
