"""`vigie ingest` against a farm of 200 feeds: every new item reaches `vigie.items` exactly once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from kernel.contracts import TOPIC_ITEMS
from kernel.stats import feed_key
from vigie.embedded.feedfarm import HEALTHY, RETRY_AFTER_S, SLOW, THROTTLED, FeedFarm
from vigie.embedded.ports import free_port

from .stack import read_topic, vigie_env

pytestmark = pytest.mark.integration

INTERVAL_S = 2.0


async def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.2)


async def test_every_new_item_of_200_feeds_arrives_once(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    farm = FeedFarm(
        200, hosts=4, slow_share=0.03, failing_share=0.03, throttled_share=0.03, slow_s=0.5
    )
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
    answering = [feed for feed in farm.feeds if feed.behaviour in (HEALTHY, SLOW)]
    try:
        await wait_for(lambda: farm.stats.requests >= len(farm.feeds), 30)
        # New items while the poller runs: one in each of 60 feeds, then a second in 20.
        for feed in answering[:60]:
            farm.publish(feed.index)
        await asyncio.sleep(INTERVAL_S)
        for feed in answering[:20]:
            farm.publish(feed.index)
        expected = {item.item_id for feed in answering for item in feed.items}
        await wait_for(
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

    produced = Counter(record["id"] for record in read_topic(kafka_bootstrap, TOPIC_ITEMS))
    assert set(produced) == expected  # nothing from the failing or throttled feeds
    assert max(produced.values()) == 1
    assert farm.stats.answers[304] > len(answering)
    # A throttled feed is polled once, then left alone for as long as it asked.
    client = redis.Redis.from_url(redis_url)
    throttled = next(feed for feed in farm.feeds if feed.behaviour == THROTTLED)
    health = client.hgetall(feed_key(throttled.name))
    client.close()
    assert health[b"http_status"] == b"429"
    wait = float(health[b"next_poll_at"]) - float(health[b"last_poll_at"])
    assert wait >= RETRY_AFTER_S - 1
