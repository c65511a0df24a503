"""The alert worker end to end on the real broker and Redis: console lines, webhooks, commits."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis.asyncio as aioredis

from alerts.testing import LocalReceiver, WorkerHarness, produce_alerts, sample_alert

pytestmark = pytest.mark.integration


async def test_console_prints_one_json_line_per_alert(kafka_bootstrap: str, redis_url: str) -> None:
    worker = WorkerHarness(kafka_bootstrap, redis_url)
    alerts = [sample_alert(f"a{number}", killed=number) for number in range(3)]
    await produce_alerts(kafka_bootstrap, *alerts)
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
    worker = WorkerHarness(kafka_bootstrap, redis_url, subscriptions_file=subscriptions)
    await produce_alerts(kafka_bootstrap, sample_alert("m1"), sample_alert("m2"))
    received = await receiver.wait_for(2, "/ops")
    await worker.wait_lines(2)
    await worker.close()
    assert sorted(request.json()["alert"]["id"] for request in received) == ["m1", "m2"]
    assert receiver.on("/sy") == []
    assert all(r.headers["X-Vigie-Signature"].startswith("sha256=") for r in received)

    # A second worker of the same group starts from the committed offsets: nothing again.
    again = WorkerHarness(kafka_bootstrap, redis_url, subscriptions_file=subscriptions)
    await produce_alerts(kafka_bootstrap, sample_alert("m3"))
    await receiver.wait_for(3, "/ops")
    await again.wait_lines(1)
    await again.close()
    assert sorted(r.json()["alert"]["id"] for r in receiver.on("/ops")) == ["m1", "m2", "m3"]
    assert [line["id"] for line in again.lines()] == ["m3"]
    client = aioredis.Redis.from_url(redis_url)
    assert await client.hlen("vigie:v1:subscriptions") == 2
    await client.aclose()
