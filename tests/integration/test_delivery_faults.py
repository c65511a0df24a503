"""Faults on the real broker and Redis: every alert is delivered once or dead-lettered with its reason."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from alerts import metrics
from alerts.dead import RedisDeadLetterStore
from alerts.resend import resend_dead_letters
from alerts.testing import (
    FAST_POLICY,
    LocalReceiver,
    Reply,
    WorkerHarness,
    produce_alerts,
    read_topic,
    sample_alert,
)
from kernel.contracts import TOPIC_DEAD, TOPIC_DELIVERIES
from vigie.embedded.ports import free_port

pytestmark = pytest.mark.integration


def subscriptions_file(tmp_path: Path, **channels: str) -> Path:
    path = tmp_path / "subscriptions.yaml"
    lines = ["subscriptions:"]
    lines += [f"  - name: {name}\n    channel: {url}" for name, url in channels.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_transient_failures_end_in_one_delivery(
    kafka_bootstrap: str, redis_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    receiver.script("/e500", Reply(500), Reply(502))
    receiver.script("/r429", Reply(429, {"Retry-After": "0"}), Reply(503, {"Retry-After": "0"}))
    receiver.script("/slow", Reply(delay_s=1.0))
    policy = dataclasses.replace(FAST_POLICY, timeout_s=0.3, attempts=4)
    path = subscriptions_file(
        tmp_path,
        e500=receiver.url("/e500"),
        r429=receiver.url("/r429"),
        slow=receiver.url("/slow"),
    )
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, sample_alert("f1"))
    outcomes = await read_topic(kafka_bootstrap, TOPIC_DELIVERIES, 3)
    await worker.close()
    assert sorted(o["outcome"] for o in outcomes) == ["delivered"] * 3
    attempts = {o["subscription_id"]: o["attempts"] for o in outcomes}
    assert sorted(attempts.values()) == [2, 3, 3]
    assert len(receiver.on("/e500")) == 3 and len(receiver.on("/r429")) == 3
    # The timed-out attempt may have reached the receiver: both carry the same delivery id.
    slow = receiver.on("/slow")
    assert len(slow) == 2 and len({r.headers["X-Vigie-Delivery"] for r in slow}) == 1


async def test_permanent_and_exhausted_failures_are_dead_lettered_then_retried(
    kafka_bootstrap: str, redis_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    closed_port = free_port()
    receiver.script("/bad", Reply(400, body="unknown field"))
    path = subscriptions_file(
        tmp_path,
        bad=receiver.url("/bad"),
        refused=f"webhook+http://127.0.0.1:{closed_port}/down",
    )
    # A short retry horizon: the unreachable target is given up on after it, not after N tries.
    policy = dataclasses.replace(FAST_POLICY, retry_horizon_s=0.5)
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, sample_alert("d1"))
    dead = await read_topic(kafka_bootstrap, TOPIC_DEAD, 2)
    await worker.close()
    by_target = {letter["target"]: letter for letter in dead}
    bad = by_target[f"webhook+http://127.0.0.1:{receiver.port}/…"]
    refused = by_target[f"webhook+http://127.0.0.1:{closed_port}/…"]
    assert bad["attempts"] == 1 and "400" in bad["reason"] and "unknown field" in bad["reason"]
    assert refused["attempts"] >= 2 and "cannot reach" in refused["reason"]
    assert refused["alert"]["id"] == "d1" and refused["schema"] == "vigie.dead/1"

    client = aioredis.Redis.from_url(redis_url)
    store = RedisDeadLetterStore(client)
    assert {letter.id for letter in await store.newest()} == {bad["id"], refused["id"]}
    # The target comes back: an operator re-sends the dead letter, exactly once.
    comeback = await LocalReceiver().start(port=closed_port)
    results = await resend_dead_letters(
        client, [refused["id"]], policy=FAST_POLICY, allow_private=True
    )
    await comeback.stop()
    assert results == [{"id": refused["id"], "outcome": "delivered"}]
    assert len(comeback.on("/down")) == 1
    assert [letter.id for letter in await store.newest()] == [bad["id"]]
    await client.aclose()


async def test_receiver_down_for_a_while_then_back(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    port = free_port()
    policy = dataclasses.replace(FAST_POLICY, attempts=200, backoff_s=0.02, backoff_max_s=0.05)
    path = subscriptions_file(tmp_path, later=f"webhook+http://127.0.0.1:{port}/later")
    attempts = metrics.DELIVERY_ATTEMPTS.labels("webhook")
    before = attempts._value.get()
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, sample_alert("late"))
    async with asyncio.timeout(20):
        while attempts._value.get() < before + 3:
            await asyncio.sleep(0.02)
    receiver = await LocalReceiver().start(port=port)
    (outcome,) = await read_topic(kafka_bootstrap, TOPIC_DELIVERIES, 1)
    await worker.close()
    await receiver.stop()
    assert outcome["outcome"] == "delivered" and outcome["attempts"] >= 4
    assert len(receiver.on("/later")) == 1


async def test_a_stuck_target_does_not_hold_back_the_others(
    kafka_bootstrap: str, redis_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    gate = asyncio.Event()
    receiver.script("/stuck", *[Reply(gate=gate) for _ in range(5)])
    policy = dataclasses.replace(FAST_POLICY, timeout_s=30.0, channel_concurrency=1)
    path = subscriptions_file(tmp_path, stuck=receiver.url("/stuck"), fine=receiver.url("/fine"))
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    alerts = [sample_alert(f"s{number}") for number in range(5)]
    await produce_alerts(kafka_bootstrap, *alerts)
    await receiver.wait_for(5, "/fine")
    # One slot for the stuck target: one request in flight, the others queued behind it.
    await receiver.wait_for(1, "/stuck")
    assert len(receiver.on("/stuck")) == 1
    gate.set()
    await receiver.wait_for(5, "/stuck")
    await worker.close()
    assert len(receiver.on("/fine")) == 5


async def test_revisions_merge_and_bursts_become_a_digest(
    kafka_bootstrap: str, redis_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    policy = dataclasses.replace(
        FAST_POLICY, digest_threshold=2, digest_window_s=1.0, revision_merge_window_s=30.0
    )
    path = subscriptions_file(tmp_path, busy=receiver.url("/busy"))
    worker = WorkerHarness(kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy)
    await produce_alerts(kafka_bootstrap, *(sample_alert(f"b{number}") for number in range(5)))
    # Two go out at once; the three others wait for the end of the window and come as one digest.
    received = await receiver.wait_for(3, "/busy")
    await worker.wait_lines(5)
    await worker.close()
    bodies = [request.json() for request in received]
    assert sorted(body["type"] for body in bodies) == ["alert", "alert", "digest"]
    digest = next(body for body in bodies if body["type"] == "digest")
    singles = {body["alert"]["id"] for body in bodies if body["type"] == "alert"}
    assert {alert["id"] for alert in digest["alerts"]} | singles == {f"b{n}" for n in range(5)}
    assert digest["title"] == "Vigie: 3 alerts"


async def test_quick_revisions_are_merged(
    kafka_bootstrap: str, redis_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    # A window wide enough that both revisions arrive within it even on a loaded machine.
    policy = dataclasses.replace(FAST_POLICY, revision_merge_window_s=5.0)
    path = subscriptions_file(tmp_path, rev=receiver.url("/rev"))
    worker = WorkerHarness(
        kafka_bootstrap, redis_url, subscriptions_file=path, policy=policy, console=False
    )
    await produce_alerts(kafka_bootstrap, sample_alert("r", killed=10))
    await receiver.wait_for(1, "/rev")
    await produce_alerts(
        kafka_bootstrap,
        sample_alert("r", revision=1, killed=20),
        sample_alert("r", revision=2, killed=40),
    )
    received = await receiver.wait_for(2, "/rev")
    outcomes = await read_topic(kafka_bootstrap, TOPIC_DELIVERIES, 4)
    await worker.close()
    assert [r.json()["alert"]["revision"] for r in received] == [0, 2]
    assert sorted(o["outcome"] for o in outcomes) == ["delivered", "delivered", "held", "held"]
