"""Offsets that heal: a group whose committed offsets lie beyond the log end (a broker that
lost its log) resumes from the earliest offset instead of waiting forever."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from alerts.testing import WorkerHarness, produce_alerts, sample_alert
from kernel.contracts import ALERTS_GROUP_ID, STREAMS_APP_ID, TOPIC_ALERTS, TOPIC_ITEMS
from streams.consumer_offsets import OFFSET_RESETS
from tests.integration.pipeline_expectations import EXPECTED_EVENTS, first_alerts, pipeline_items
from tests.integration.stack import read_topic, vigie_env, wait_until
from tests.integration.test_stream_workers import publish
from vigie.embedded.ports import free_port

pytestmark = pytest.mark.integration

#: Offsets a group committed on a log the broker has since lost.
STALE = (48, 53, 61, 70)


async def commit_stale_offsets(bootstrap: str, group: str, topic: str) -> None:
    """Commit ``STALE`` for ``group`` on every partition of ``topic``, far beyond its log end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, number) for number in range(len(STALE))]
        consumer.assign(partitions)
        await consumer.commit(dict(zip(partitions, STALE, strict=True)))
    finally:
        await consumer.stop()


def _resets(group: str) -> float:
    return sum(
        OFFSET_RESETS.labels(group, TOPIC_ALERTS, str(number))._value.get()
        for number in range(len(STALE))
    )


async def test_alert_worker_resumes_from_the_earliest_offset(
    kafka_bootstrap: str, redis_url: str
) -> None:
    await commit_stale_offsets(kafka_bootstrap, ALERTS_GROUP_ID, TOPIC_ALERTS)
    alerts = [sample_alert(f"healed{number}", killed=number + 3) for number in range(8)]
    await produce_alerts(kafka_bootstrap, *alerts)
    before = _resets(ALERTS_GROUP_ID)

    worker = WorkerHarness(kafka_bootstrap, redis_url)
    try:
        lines = await worker.wait_lines(len(alerts), timeout=60)
    finally:
        await worker.close()

    assert sorted(line["id"] for line in lines) == sorted(alert.id for alert in alerts)
    # Every partition that holds an alert was stranded and rewound once.
    assert _resets(ALERTS_GROUP_ID) - before >= 1


def _metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{")
    )


async def test_stream_worker_resumes_from_the_earliest_offset(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    await commit_stale_offsets(kafka_bootstrap, STREAMS_APP_ID, TOPIC_ITEMS)
    publish(kafka_bootstrap, pipeline_items())
    port = free_port()
    env = vigie_env(
        tmp_path,
        VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap,
        VIGIE_REDIS_URL=redis_url,
        VIGIE_STREAMS_METRICS_PORT=str(port),
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "vigie", "streams"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "streams.log", "w"),  # noqa: SIM115
    )
    try:
        alerts = wait_until(
            lambda: (
                (found := read_topic(kafka_bootstrap, TOPIC_ALERTS))
                and first_alerts(found) == EXPECTED_EVENTS
                and found
            ),
            90,
            interval=1,
        )
        resets = _metric(f"http://127.0.0.1:{port}/metrics", "vigie_consumer_offset_resets_total")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert first_alerts(alerts) == EXPECTED_EVENTS
    assert resets >= 1
    log = (tmp_path / "streams.log").read_text()
    assert "lies beyond the log end" in log
