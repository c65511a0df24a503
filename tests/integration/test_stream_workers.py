"""Stream workers on the real broker and Redis: two workers never alert twice; a killed
worker is restarted by `vigie up` and no item is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.items import WireItem
from ingest.publisher import ItemPublisher
from kernel.contracts import TOPIC_ALERTS, TOPIC_EVENTS
from tests.integration.pipeline_expectations import EXPECTED_EVENTS, first_alerts, pipeline_items
from tests.integration.stack import read_topic, start_stack, vigie_env, wait_until

pytestmark = pytest.mark.integration


def publish(bootstrap: str, items: list[dict]) -> None:
    publisher = ItemPublisher(bootstrap, client_id="test")
    publisher.publish_sync([WireItem.from_dict(item) for item in items])
    publisher.close()


def test_two_workers_sharing_partitions_never_alert_twice(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    env = vigie_env(tmp_path, VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap, VIGIE_REDIS_URL=redis_url)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "vigie", "streams"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"streams-{index}.log", "w"),  # noqa: SIM115
        )
        for index in range(2)
    ]
    try:
        items = pipeline_items()
        publish(kafka_bootstrap, items)
        # Every item is read by exactly one of the workers, whichever owns its partition.
        wait_until(lambda: len(read_topic(kafka_bootstrap, TOPIC_EVENTS)) >= 8, 90, interval=1)
        alerts = wait_until(
            lambda: (
                (found := read_topic(kafka_bootstrap, TOPIC_ALERTS))
                and first_alerts(found) == EXPECTED_EVENTS
                and found
            ),
            60,
            interval=1,
        )
        # Replaying everything again (a rebalance or a retry) must not alert again.
        publish(kafka_bootstrap, items)
        wait_until(lambda: len(read_topic(kafka_bootstrap, TOPIC_EVENTS)) >= 16, 60, interval=1)
        again = read_topic(kafka_bootstrap, TOPIC_ALERTS)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    assert first_alerts(alerts) == EXPECTED_EVENTS
    assert first_alerts(again) == EXPECTED_EVENTS
    assert {(a["id"], a["revision"]) for a in again} == {(a["id"], a["revision"]) for a in alerts}


def test_killed_worker_is_restarted_and_no_item_is_lost(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    stack = start_stack(tmp_path / "data", "--feeds", str(feeds), "--no-console")
    try:
        state = stack.state()
        bootstrap = state["kafka_bootstrap"]
        items = pipeline_items()
        publish(bootstrap, items[:4])
        wait_until(
            lambda: len(first_alerts(read_topic(bootstrap, TOPIC_ALERTS))) >= 2, 90, interval=1
        )

        victim = state["processes"]["streams"]
        os.kill(victim, signal.SIGKILL)
        publish(bootstrap, items[4:])
        restarted = wait_until(
            lambda: (pid := (stack.state()["processes"].get("streams"))) != victim and pid, 30
        )
        alerts = wait_until(
            lambda: (
                (found := read_topic(bootstrap, TOPIC_ALERTS))
                and first_alerts(found) == EXPECTED_EVENTS
                and found
            ),
            120,
            interval=1,
        )
    finally:
        code, _, err = stack.stop()
    assert restarted != victim
    assert "streams" in err and "restarting" in err
    assert first_alerts(alerts) == EXPECTED_EVENTS
    assert code == 0
