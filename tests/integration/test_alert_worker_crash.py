"""`vigie alerts` killed between send and commit: the next worker sends nothing twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from alerts.idempotency import delivery_key
from alerts.subscriptions import stable_subscription_id
from alerts.testing import LocalReceiver, WorkerHarness, produce_alerts, read_topic, sample_alert
from kernel.contracts import TOPIC_DELIVERIES

pytestmark = pytest.mark.integration

REQUIRED = {"id", "revision", "status", "kind", "place", "casualties", "sources", "headline"}


async def test_killed_after_send_before_commit_sends_nothing_twice(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    receiver = await LocalReceiver().start()
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(
        f"subscriptions:\n  - name: crash\n    channel: {receiver.url('/crash')}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "VIGIE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "VIGIE_REDIS_URL": redis_url,
        "VIGIE_DATA_DIR": str(tmp_path / "data"),
        "VIGIE_ALLOW_PRIVATE_TARGETS": "1",
        "VIGIE_SESSION_TIMEOUT_S": "2",
        "VIGIE_ALERTS_METRICS_PORT": "0",
        "VIGIE_SUBSCRIPTIONS_FILE": str(subscriptions),
        # No commit before the kill: every record is re-read by the next worker.
        "VIGIE_DELIVERY_COMMIT_INTERVAL_S": "3600",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "vigie", "alerts"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    alerts = [sample_alert(f"k{number}", killed=number) for number in range(4)]
    client = aioredis.Redis.from_url(redis_url)
    subscription_id = stable_subscription_id("crash")
    keys = [delivery_key(alert.id, 0, subscription_id) for alert in alerts]
    try:
        await produce_alerts(kafka_bootstrap, *alerts)
        await receiver.wait_for(4, "/crash", timeout=30)
        async with asyncio.timeout(10):
            while [value for value in await client.mget(keys)] != [b"done"] * 4:
                await asyncio.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        stdout, _ = process.communicate(timeout=10)

    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    assert len(lines) == 4 and all(set(line) >= REQUIRED for line in lines)

    worker = WorkerHarness(kafka_bootstrap, redis_url, subscriptions_file=subscriptions)

    def duplicates(records: list[dict[str, object]]) -> list[dict[str, object]]:
        return [record for record in records if record["outcome"] == "duplicate"]

    # 4 alerts x (console + webhook), each found settled and suppressed.
    outcomes = await read_topic(
        kafka_bootstrap, TOPIC_DELIVERIES, 0, until=lambda got: len(duplicates(got)) >= 8
    )
    await worker.close()
    await receiver.stop()
    await client.aclose()
    assert len(receiver.on("/crash")) == 4
    assert worker.lines() == []
    assert len(duplicates(outcomes)) == 8
