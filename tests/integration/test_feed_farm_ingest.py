"""`vigie ingest` against a farm of 200 feeds: every new item reaches `vigie.items` exactly once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from kernel.contracts import TOPIC_ITEMS
from kernel.stats import feed_key
from vigie.embedded.feedfarm import RETRY_AFTER_S, THROTTLED
from vigie.embedded.ports import free_port

from .farm import (
    INTERVAL_S,
    answering,
    assert_each_once,
    expected_ids,
    mixed_farm,
    publish_round,
)
from .stack import read_topic, vigie_env, wait_until_async

pytestmark = pytest.mark.integration


async def test_every_new_item_of_200_feeds_arrives_once(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    farm = mixed_farm()
    await farm.start_async()
    feeds_file = farm.write_feeds_file(tmp_path / "feeds.yaml", INTERVAL_S)
    env = vigie_env(
        tmp_path / "data",
        VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap,
        VIGIE_REDIS_URL=redis_url,
        VIGIE_INGEST_METRICS_PORT=str(free_port()),
        VIGIE_LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "vigie", "ingest", "--feeds", str(feeds_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
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
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
        await farm.stop_async()
    assert process.returncode == 0, errors.decode()[-2000:]

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
