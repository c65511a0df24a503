"""Delivery bench: alerts through a real Tansu broker and Redis to a local signed webhook.

Prints deliveries per second and the p50/p99 latency from alert produced to webhook
received. Run: ``python bench/bench_delivery.py [--alerts 2000] [--subscriptions 1]``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer

from alerts.policy import DeliveryPolicy
from alerts.testing import LocalReceiver, WorkerHarness, sample_alert
from kernel.contracts import ALL_TOPICS, TOPIC_ALERTS
from vigie.embedded.broker import TansuBroker, create_topics
from vigie.embedded.redis import RedisServer


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def bench(alerts: int, subscriptions: int, root: Path, rate: float = 0.0) -> dict[str, float]:
    """Run one bench and return its figures."""
    broker = TansuBroker(log_file=root / "tansu.log")
    broker.start()
    create_topics(broker.bootstrap, ALL_TOPICS, 4)
    redis = RedisServer(root / "redis", persist=False)
    redis.start()
    receiver = await LocalReceiver().start()
    path = root / "subscriptions.yaml"
    path.write_text(
        "subscriptions:\n"
        + "".join(
            f"  - name: bench-{n}\n    channel: {receiver.url(f'/hook/{n}')}\n    secret: s\n"
            for n in range(subscriptions)
        ),
        encoding="utf-8",
    )
    policy = dataclasses.replace(DeliveryPolicy(), digest_threshold=10**9, commit_interval_s=0.5)
    worker = WorkerHarness(
        broker.bootstrap, redis.url, subscriptions_file=path, policy=policy, console=False
    )
    await asyncio.wait_for(worker.ready.wait(), 30)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=2, acks="all")
    await producer.start()
    try:
        # Warm up: the first join and connections are not what this bench measures.
        await producer.send_and_wait(
            TOPIC_ALERTS, json.dumps(sample_alert("warmup").to_dict()).encode()
        )
        await receiver.wait_for(subscriptions, timeout=60)
        receiver.requests.clear()
        started = time.time()
        for number in range(alerts):
            alert = sample_alert(f"bench-{number}", updated_at=datetime.now(UTC))
            await producer.send(
                TOPIC_ALERTS, json.dumps(alert.to_dict()).encode(), key=alert.id.encode()
            )
            if rate:
                # Paced: latency without the queue a burst builds up.
                await asyncio.sleep(max(0.0, started + (number + 1) / rate - time.time()))
        await producer.flush()
        produced_in = time.time() - started
        received = await receiver.wait_for(alerts * subscriptions, timeout=600)
    finally:
        await producer.stop()
        await worker.close()
        await receiver.stop()
        redis.stop()
        broker.stop()
    latencies = []
    for request in received:
        produced = datetime.fromisoformat(
            request.json()["alert"]["updated_at"].replace("Z", "+00:00")
        )
        latencies.append(request.received_at - produced.timestamp())
    elapsed = max(request.received_at for request in received) - started
    return {
        "deliveries": float(len(received)),
        "seconds": elapsed,
        "deliveries_per_s": len(received) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "produced_in_s": produced_in,
    }


def main() -> None:
    """Parse flags, run the bench, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=2000)
    parser.add_argument("--subscriptions", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.0, help="alerts/s to produce (0: burst)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as root:
        figures = asyncio.run(bench(args.alerts, args.subscriptions, Path(root), args.rate))
    print(
        f"delivery bench: {int(figures['deliveries'])} webhook deliveries "
        f"({args.alerts} alerts x {args.subscriptions} subscription(s), "
        f"{'burst' if not args.rate else f'{args.rate:g} alerts/s'}) in {figures['seconds']:.2f}s"
    )
    print(f"  deliveries/s: {figures['deliveries_per_s']:.0f}")
    print(f"  (producing took {figures['produced_in_s']:.2f}s)")
    print(
        f"  produced -> received: p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
        f"mean {figures['mean_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
