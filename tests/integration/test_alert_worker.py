"""The alert worker end to end on the real broker and Redis: console lines, webhooks, commits."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from aiokafka import AIOKafkaProducer

from alerts.policy import DeliveryPolicy
from alerts.testing import LocalReceiver, sample_alert
from alerts.worker import run_alert_worker
from streams.events import Alert
from vigie.contracts import TOPIC_ALERTS

pytestmark = pytest.mark.integration

FAST = DeliveryPolicy(
    attempts=3,
    backoff_s=0.01,
    backoff_max_s=0.05,
    timeout_s=2.0,
    digest_threshold=100,
    commit_interval_s=0.2,
    flush_interval_s=0.1,
)


async def produce(bootstrap: str, *alerts: Alert) -> None:
    """Publish alerts to vigie.alerts as the stream workers do."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for alert in alerts:
            await producer.send_and_wait(
                TOPIC_ALERTS, json.dumps(alert.to_dict()).encode(), key=alert.id.encode()
            )
    finally:
        await producer.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[LocalReceiver]:
    server = await LocalReceiver().start()
    yield server
    await server.stop()


class RunningWorker:
    """An alert worker task with its stdout captured."""

    def __init__(self, bootstrap: str, redis_url: str, **options: object) -> None:
        self.stdout = io.StringIO()
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        options.setdefault("policy", FAST)
        self.task = asyncio.create_task(
            run_alert_worker(
                bootstrap,
                redis_url,
                allow_private_targets=True,
                session_timeout_s=2.0,
                stop=self.stop,
                ready=self.ready,
                stdout=self.stdout,
                **options,  # type: ignore[arg-type]
            )
        )

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stdout.getvalue().splitlines()]

    async def wait_lines(self, count: int, timeout: float = 30.0) -> list[dict[str, object]]:
        async with asyncio.timeout(timeout):
            while len(self.lines()) < count:
                if self.task.done():
                    self.task.result()
                await asyncio.sleep(0.05)
        return self.lines()

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)


async def test_console_prints_one_json_line_per_alert(kafka_bootstrap: str, redis_url: str) -> None:
    worker = RunningWorker(kafka_bootstrap, redis_url)
    alerts = [sample_alert(f"a{number}", killed=number) for number in range(3)]
    await produce(kafka_bootstrap, *alerts)
    lines = await worker.wait_lines(3)
    await worker.close()
    assert sorted(line["id"] for line in lines) == ["a0", "a1", "a2"]
    first = next(line for line in lines if line["id"] == "a1")
    assert first["kind"] == "city_capture"
    assert first["place"] == "Mosul"
    assert first["casualties"] == {"killed": 1, "wounded": None, "approximate": False}
    assert first["sources"] == ["AFP", "Reuters"]
    assert first["headline"] == "Mosul captured"
    assert first["revision"] == 0 and first["status"] == "reported"


async def test_webhook_from_subscriptions_file_and_no_resend_after_restart(
    kafka_bootstrap: str, redis_url: str, receiver: LocalReceiver, tmp_path: Path
) -> None:
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(
        "subscriptions:\n"
        f"  - name: ops\n    channel: {receiver.url('/ops')}\n    secret: s3cret\n"
        f"  - name: syria-only\n    channel: {receiver.url('/sy')}\n    countries: [SY]\n",
        encoding="utf-8",
    )
    worker = RunningWorker(kafka_bootstrap, redis_url, subscriptions_file=subscriptions)
    await produce(kafka_bootstrap, sample_alert("m1"), sample_alert("m2"))
    received = await receiver.wait_for(2, "/ops")
    await worker.wait_lines(2)
    await worker.close()
    assert sorted(request.json()["alert"]["id"] for request in received) == ["m1", "m2"]
    assert receiver.on("/sy") == []
    assert all(r.headers["X-Vigie-Signature"].startswith("sha256=") for r in received)

    # A second worker of the same group starts from the committed offsets: nothing again.
    again = RunningWorker(kafka_bootstrap, redis_url, subscriptions_file=subscriptions)
    await produce(kafka_bootstrap, sample_alert("m3"))
    await receiver.wait_for(3, "/ops")
    await again.wait_lines(1)
    await again.close()
    assert sorted(r.json()["alert"]["id"] for r in receiver.on("/ops")) == ["m1", "m2", "m3"]
    assert [line["id"] for line in again.lines()] == ["m3"]
    client = aioredis.Redis.from_url(redis_url)
    assert await client.hlen("vigie:v1:subscriptions") == 2
    await client.aclose()
