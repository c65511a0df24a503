"""Outage bench: a webhook receiver that fails, then hangs, then comes back.

A real Tansu broker, Redis and alert worker (default delivery policy: 1 s backoff doubling
to 300 s, breaker after 5 failures, 10 s timeout, 24 h horizon) deliver alerts produced at
an even pace to a local receiver that answers 500 for ``--fail`` seconds, then holds every
request without answering for ``--hang`` seconds, then answers 200. Prints how many alerts
were accepted (once each, by delivery id), duplicates, dead letters, and how long the backlog
took to drain after the receiver came back.

Run: ``python bench/bench_outage.py [--alerts 60] [--fail 30] [--hang 30] [--burst]``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import redis.asyncio as aioredis
from aiohttp import web
from aiokafka import AIOKafkaProducer

from alerts.dead import RedisDeadLetterStore
from alerts.policy import DeliveryPolicy
from alerts.testing import WorkerHarness, sample_alert
from kernel.contracts import ALL_TOPICS, TOPIC_ALERTS
from vigie.embedded.broker import TansuBroker, create_topics
from vigie.embedded.redis import RedisServer


class OutageReceiver:
    """Answers 500, then hangs, then 200, by the clock; records accepted delivery ids."""

    def __init__(self, fail_s: float, hang_s: float) -> None:
        self.fail_s = fail_s
        self.hang_s = hang_s
        self.started = 0.0
        self.requests = 0
        self.accepted: Counter[str] = Counter()
        self.last_accepted_at = 0.0
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def back_at(self) -> float:
        """When the receiver answers again."""
        return self.started + self.fail_s + self.hang_s

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.requests += 1
        now = time.time()
        if now < self.started + self.fail_s:
            return web.Response(status=500, text="down")
        if now < self.back_at:
            await asyncio.sleep(self.back_at - now + 60)  # hold it past any client timeout
            return web.Response(status=500, text="late")
        self.accepted[request.headers["X-Vigie-Delivery"]] += 1
        self.last_accepted_at = time.time()
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def bench(
    alerts: int, fail_s: float, hang_s: float, root: Path, burst: bool = False
) -> dict[str, float]:
    """Run one outage and return its figures."""
    broker = TansuBroker(log_file=root / "tansu.log")
    broker.start()
    create_topics(broker.bootstrap, ALL_TOPICS, 4)
    server = RedisServer(root / "redis", persist=False)
    server.start()
    receiver = OutageReceiver(fail_s, hang_s)
    await receiver.start()
    path = root / "subscriptions.yaml"
    path.write_text(
        f"subscriptions:\n  - name: outage\n    channel: webhook+http://127.0.0.1:{receiver.port}/hook\n",
        encoding="utf-8",
    )
    policy = dataclasses.replace(DeliveryPolicy(), digest_threshold=10**9, commit_interval_s=0.5)
    worker = WorkerHarness(
        broker.bootstrap, server.url, subscriptions_file=path, policy=policy, console=False
    )
    await asyncio.wait_for(worker.ready.wait(), 30)
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    await producer.start()
    client = aioredis.Redis.from_url(server.url)
    try:
        receiver.started = time.time()
        # Spread the alerts over the outage, as news would arrive (or all at its start).
        pace = 0.0 if burst else (fail_s + hang_s) / max(alerts, 1)
        for number in range(alerts):
            alert = sample_alert(f"outage-{number}")
            await producer.send_and_wait(
                TOPIC_ALERTS, json.dumps(alert.to_dict()).encode(), key=alert.id.encode()
            )
            await asyncio.sleep(max(0.0, receiver.started + (number + 1) * pace - time.time()))
        deadline = receiver.back_at + 900
        dead: list[object] = []
        while time.time() < deadline:
            dead = list(await RedisDeadLetterStore(client).newest(10_000))
            if len(receiver.accepted) + len(dead) >= alerts:
                break
            await asyncio.sleep(0.2)
    finally:
        await producer.stop()
        await worker.close()
        await client.aclose()
        await receiver.stop()
        server.stop()
        broker.stop()
    return {
        "alerts": float(alerts),
        "accepted": float(len(receiver.accepted)),
        "duplicates": float(sum(count - 1 for count in receiver.accepted.values())),
        "dead": float(len(dead)),
        "requests": float(receiver.requests),
        "drain_s": max(0.0, receiver.last_accepted_at - receiver.back_at),
    }


def main() -> None:
    """Parse flags, run the bench, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=60)
    parser.add_argument("--fail", type=float, default=30.0, help="seconds of HTTP 500")
    parser.add_argument("--hang", type=float, default=30.0, help="seconds of no answer")
    parser.add_argument("--burst", action="store_true", help="every alert at the outage's start")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as root:
        figures = asyncio.run(bench(args.alerts, args.fail, args.hang, Path(root), args.burst))
    print(
        f"outage bench: {args.alerts} alerts {'at the start of' if args.burst else 'over'} "
        f"{args.fail:g}s of HTTP 500 then {args.hang:g}s without answer"
    )
    print(
        f"  accepted once: {figures['accepted']:.0f}, duplicates: {figures['duplicates']:.0f}, "
        f"dead letters: {figures['dead']:.0f}, requests made: {figures['requests']:.0f}"
    )
    print(f"  backlog drained {figures['drain_s']:.1f}s after the receiver came back")


if __name__ == "__main__":
    main()
