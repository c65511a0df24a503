"""WebSub end to end: `vigie ingest` subscribes at the feed farm's hub, publishes a pushed item
once (the safety-net polls see it too), renews its leases, and refuses a forged push and a
verification for a topic it never asked for."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from kernel.contracts import TOPIC_ITEMS
from vigie.embedded.feedfarm import FarmItem, FeedFarm
from vigie.embedded.ports import free_port

from .stack import read_topic, start_ingest, stop_process, wait_until_async

pytestmark = pytest.mark.integration

FEEDS = 4
#: The feeds' own interval, and the safety-net interval once a hub pushes them.
INTERVAL_S, SAFETY_NET_S = 2.0, 3.0
#: The longest lease the farm's hub grants: short, so the test sees renewals.
LEASE_S = 3.0


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of a Prometheus exposition, 0 when absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_ingest_takes_pushes_from_the_farm_hub(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    farm = FeedFarm(FEEDS, hub=True, hub_lease_s=LEASE_S)
    await farm.start_async()
    feeds_file = farm.write_feeds_file(tmp_path / "feeds.yaml", INTERVAL_S)
    callback_port, metrics_port = free_port(), free_port()
    process = start_ingest(
        tmp_path / "data",
        feeds_file,
        kafka_bootstrap,
        redis_url,
        VIGIE_INGEST_METRICS_PORT=str(metrics_port),
        VIGIE_WEBSUB_CALLBACK_URL=f"http://127.0.0.1:{callback_port}/websub",
        VIGIE_WEBSUB_PORT=str(callback_port),
        VIGIE_WEBSUB_POLL_INTERVAL_S=str(SAFETY_NET_S),
    )
    feed = farm.feeds[0]
    http = httpx.AsyncClient(timeout=5)
    try:
        await wait_until_async(lambda: all(farm.subscribers.get(f.url) for f in farm.feeds), 30)
        [subscriber] = farm.subscribers[feed.url].values()
        polled_before = farm.stats.answers[200]
        # Two new items a second apart, each pushed at once (a poll may fetch one first).
        first = farm.publish(feed.index)
        await asyncio.sleep(1)
        pushed = farm.publish(feed.index)
        await wait_until_async(lambda: farm.hub_stats.pushes[204] >= 2, 10)
        await wait_until_async(
            lambda: (
                {first.item_id, pushed.item_id}
                <= {r["id"] for r in read_topic(kafka_bootstrap, TOPIC_ITEMS, 300)}
            ),
            10,
        )

        # A push whose signature is not the secret's: acknowledged, ignored, counted.
        forged_item = FarmItem("forged-1", "Forged line", "Forged line.", pushed.published_at)
        forged = dataclasses.replace(feed, items=(forged_item,)).render()
        answer = await http.post(
            subscriber.callback,
            content=forged,
            headers={"Content-Type": "application/rss+xml", "X-Hub-Signature-256": "sha256=00"},
        )
        assert answer.status_code == 202
        # A verification for a topic this callback never asked for: no challenge echoed.
        answer = await http.get(
            subscriber.callback,
            params={
                "hub.mode": "subscribe",
                "hub.topic": "http://127.0.0.1:9/feeds/elsewhere.xml",
                "hub.challenge": "echo-me",
            },
        )
        assert answer.status_code == 404 and "echo-me" not in answer.text

        # Leases of 3 s: renewed before they end; the safety-net polls fetch the new item too.
        await wait_until_async(lambda: farm.hub_stats.verified >= 2 * FEEDS, 15)
        await wait_until_async(lambda: farm.stats.answers[200] > polled_before, 15)
        await asyncio.sleep(SAFETY_NET_S)
        exposition = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
    finally:
        await http.aclose()
        # Off the event loop: the farm answers the polls in flight until ingest has stopped.
        code, errors = await asyncio.to_thread(stop_process, process)
        await farm.stop_async()
    assert code == 0, errors

    produced = Counter(r["id"] for r in read_topic(kafka_bootstrap, TOPIC_ITEMS))
    assert produced[first.item_id] == produced[pushed.item_id] == 1
    assert forged_item.item_id not in produced
    assert max(produced.values()) == 1
    refused = "vigie_websub_refused_total"
    assert metric(exposition, refused, request="push", reason="bad_signature") == 1
    assert metric(exposition, refused, request="verification", reason="unknown_topic") == 1
    assert metric(exposition, "vigie_websub_pushes_total", feed=feed.name) >= 2
    assert metric(exposition, "vigie_websub_items_total", feed=feed.name) >= 1
    assert metric(exposition, "vigie_websub_subscriptions_total", outcome="verified") == FEEDS
    assert metric(exposition, "vigie_websub_subscriptions_total", outcome="renewed") >= FEEDS
