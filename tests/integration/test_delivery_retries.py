"""Retries that outlast outages: per-target backlogs in Redis, circuit breakers, nothing lost."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from alerts import metrics
from alerts.backlog import RedisBacklog, target_id
from alerts.channels.registry import ChannelRegistry
from alerts.dead import RedisDeadLetterStore
from alerts.delivery import Deliverer, Delivery, Outcome
from alerts.idempotency import IdempotencyStore, KeyState, delivery_key
from alerts.subscriptions import Subscription
from alerts.testing import (
    FAST_POLICY,
    LocalReceiver,
    Reply,
    WorkerHarness,
    produce_alerts,
    read_topic,
    sample_alert,
)
from kernel.contracts import TOPIC_DELIVERIES
from kernel.stats import STAT_DEAD, STAT_DELIVERIES, STAT_RETRIED, read_buckets

pytestmark = pytest.mark.integration


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


def subscriptions_file(tmp_path: Path, **channels: str) -> Path:
    path = tmp_path / "subscriptions.yaml"
    lines = ["subscriptions:"]
    lines += [f"  - name: {name}\n    channel: {url}" for name, url in channels.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def delivered(outcomes: list[dict[str, object]]) -> list[dict[str, object]]:
    return [o for o in outcomes if o["outcome"] == "delivered"]


async def test_a_receiver_failing_for_a_while_gets_each_alert_once(
    kafka_bootstrap: str, redis_url: str, redis: aioredis.Redis, receiver: LocalReceiver, tmp_path
) -> None:
    # More failures than the breaker's threshold: the target is paused, probed, then drained.
    receiver.script("/flaky", *[Reply(500) for _ in range(12)])
    policy = dataclasses.replace(FAST_POLICY, breaker_threshold=3)
    path = subscriptions_file(tmp_path, flaky=receiver.url("/flaky"))
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, *(sample_alert(f"o{n}") for n in range(3)))
    outcomes = await read_topic(
        kafka_bootstrap, TOPIC_DELIVERIES, 0, until=lambda got: len(delivered(got)) >= 3
    )
    await worker.close()
    assert sorted(o["alert_id"] for o in outcomes) == ["o0", "o1", "o2"]
    assert all(o["outcome"] == "delivered" for o in outcomes)
    accepted = receiver.on("/flaky")[12:]
    assert sorted(r.json()["alert"]["id"] for r in accepted) == ["o0", "o1", "o2"]
    assert await RedisDeadLetterStore(redis).newest() == []
    assert await RedisBacklog(redis, key_ttl_s=60).total() == 0
    # The console's charts count each failed attempt as retried and each alert once delivered.
    _, charted = await read_buckets(redis, [STAT_RETRIED, STAT_DELIVERIES, STAT_DEAD], hours=1)
    assert [sum(counts) for counts in charted.values()] == [12, 3, 0]


async def test_a_hanging_receiver_is_retried_until_it_answers(
    kafka_bootstrap: str, redis_url: str, redis: aioredis.Redis, receiver: LocalReceiver, tmp_path
) -> None:
    gate = asyncio.Event()
    receiver.script("/hang", *[Reply(gate=gate) for _ in range(3)])
    policy = dataclasses.replace(FAST_POLICY, timeout_s=0.3, breaker_threshold=2)
    path = subscriptions_file(tmp_path, hang=receiver.url("/hang"))
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, sample_alert("h1"))
    (outcome,) = await read_topic(kafka_bootstrap, TOPIC_DELIVERIES, 1)
    gate.set()
    await worker.close()
    assert outcome["outcome"] == "delivered" and outcome["attempts"] == 4
    # Timed-out attempts may have reached the receiver: every one carries the same delivery id.
    requests = receiver.on("/hang")
    assert len(requests) == 4 and len({r.headers["X-Vigie-Delivery"] for r in requests}) == 1
    assert await RedisDeadLetterStore(redis).newest() == []


async def test_a_dead_target_is_paused_and_does_not_delay_another(
    kafka_bootstrap: str, redis_url: str, redis: aioredis.Redis, receiver: LocalReceiver, tmp_path
) -> None:
    receiver.script("/down", *[Reply(503) for _ in range(100)])
    # A long backoff: once paused, the dead target is not tried again during the test.
    policy = dataclasses.replace(
        FAST_POLICY, backoff_s=600.0, backoff_max_s=600.0, breaker_threshold=1
    )
    path = subscriptions_file(tmp_path, down=receiver.url("/down"), fine=receiver.url("/fine"))
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    alerts = [sample_alert(f"p{n}") for n in range(20)]
    await produce_alerts(kafka_bootstrap, *alerts)
    await receiver.wait_for(20, "/fine")
    backlog = RedisBacklog(redis, key_ttl_s=60)
    target = target_id(receiver.url("/down"))
    async with asyncio.timeout(20):
        while await backlog.length(target) < 20:
            await asyncio.sleep(0.02)
        # Operators see one target waiting.
        while metrics.BACKLOG_TARGETS._value.get() != 1:
            await asyncio.sleep(0.02)
    await worker.close()
    # Only the first attempts of a burst reached the dead target; the rest wait in its backlog.
    assert len(receiver.on("/down")) <= policy.channel_concurrency
    assert await RedisDeadLetterStore(redis).newest() == []


async def test_a_backlog_goes_out_in_order_when_the_target_answers_again(
    redis: aioredis.Redis, receiver: LocalReceiver
) -> None:
    receiver.script("/order", Reply(503, {"Retry-After": "0"}))
    policy = dataclasses.replace(FAST_POLICY, breaker_threshold=1)
    idempotency = IdempotencyStore(redis, "test-worker", ttl_s=policy.key_ttl_s)
    backlog = RedisBacklog(redis, key_ttl_s=policy.key_ttl_s)
    channels = ChannelRegistry(allow_private=True, timeout_s=policy.timeout_s)
    deliverer = Deliverer(redis, channels, idempotency, policy, backlog=backlog)
    subscription = Subscription(id="sub-order", name="order", channel=receiver.url("/order"))

    async def lookup(subscription_id: str) -> Subscription | None:
        return subscription if subscription_id == subscription.id else None

    names = [f"q{n}" for n in range(6)]
    keys = [delivery_key(name, 0, subscription.id) for name in names]
    try:
        for name, key in zip(names, keys, strict=True):
            outcome = await deliverer.deliver(Delivery(subscription, (sample_alert(name),), (key,)))
            assert outcome is Outcome.QUEUED
        target = target_id(subscription.channel)
        assert await backlog.length(target) == 6
        assert [await idempotency.state(key) for key in keys] == [KeyState.QUEUED] * 6
        async with asyncio.timeout(20):
            while await backlog.total():
                for due in await backlog.due(float("inf")):
                    await deliverer.drain(due, lookup, "test-worker")
                await asyncio.sleep(0.01)
    finally:
        await channels.aclose()
    bodies = [request.json() for request in receiver.on("/order")]
    assert [body["alert"]["id"] for body in bodies] == ["q0", *names]
    assert [await idempotency.state(key) for key in keys] == [KeyState.DONE] * 6
    assert await backlog.breaker_state(target) is None


async def test_a_delivery_past_the_horizon_is_dead_lettered_and_can_be_retried(
    redis: aioredis.Redis, receiver: LocalReceiver
) -> None:
    receiver.script("/gone", *[Reply(502) for _ in range(100)])
    policy = dataclasses.replace(FAST_POLICY, breaker_threshold=1, retry_horizon_s=0.2)
    idempotency = IdempotencyStore(redis, "test-worker", ttl_s=policy.key_ttl_s)
    backlog = RedisBacklog(redis, key_ttl_s=policy.key_ttl_s)
    channels = ChannelRegistry(allow_private=True, timeout_s=policy.timeout_s)
    deliverer = Deliverer(redis, channels, idempotency, policy, backlog=backlog)
    subscription = Subscription(id="sub-gone", name="gone", channel=receiver.url("/gone"))

    async def lookup(subscription_id: str) -> Subscription | None:
        return subscription

    keys = [delivery_key(name, 0, subscription.id) for name in ("g0", "g1")]
    try:
        for name, key in zip(("g0", "g1"), keys, strict=True):
            await deliverer.deliver(Delivery(subscription, (sample_alert(name),), (key,)))
        async with asyncio.timeout(20):
            while await backlog.total():
                for due in await backlog.due(float("inf")):
                    await deliverer.drain(due, lookup, "test-worker")
                await asyncio.sleep(0.02)
    finally:
        await channels.aclose()
    letters = await RedisDeadLetterStore(redis).newest()
    assert sorted(letter.alerts[0].id for letter in letters) == ["g0", "g1"]
    assert all("502" in letter.reason for letter in letters)
    assert [await idempotency.state(key) for key in keys] == [KeyState.DEAD] * 2


async def test_queued_retries_survive_a_worker_restart(
    kafka_bootstrap: str, redis_url: str, redis: aioredis.Redis, receiver: LocalReceiver, tmp_path
) -> None:
    receiver.script("/later", *[Reply(503) for _ in range(1000)])
    policy = dataclasses.replace(FAST_POLICY, backoff_s=0.2, backoff_max_s=0.2)
    path = subscriptions_file(tmp_path, later=receiver.url("/later"))
    first = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, sample_alert("w1"), sample_alert("w2"))
    backlog = RedisBacklog(redis, key_ttl_s=60)
    target = target_id(receiver.url("/later"))
    async with asyncio.timeout(20):
        while await backlog.length(target) < 2:
            await asyncio.sleep(0.02)
    await first.close()
    # The records are committed: only the Redis backlog still knows these deliveries.
    receiver.scripts["/later"].clear()
    second = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    outcomes = await read_topic(
        kafka_bootstrap, TOPIC_DELIVERIES, 0, until=lambda got: len(delivered(got)) >= 2
    )
    await second.close()
    assert sorted(o["outcome"] for o in outcomes) == ["delivered", "delivered"]
    requests = receiver.on("/later")
    assert len({r.headers["X-Vigie-Delivery"] for r in requests}) == 2
    assert sorted(r.json()["alert"]["id"] for r in requests[-2:]) == ["w1", "w2"]
    assert await backlog.total() == 0
