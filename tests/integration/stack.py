"""Helpers to run the real `vigie up` and Vigie processes as subprocesses in tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from kernel.settings import PORT_VARIABLES
from vigie.runtime import read_state


def vigie_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a test stack: its own data dir, any free ports, short timeouts."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
    env.pop("REDIS_URL", None)
    env.update({name: "0" for name in PORT_VARIABLES})
    env.update(
        VIGIE_DATA_DIR=str(data_dir),
        VIGIE_ALLOW_PRIVATE_TARGETS="1",
        VIGIE_SESSION_TIMEOUT_S="6",
        VIGIE_DELIVERY_BACKOFF_S="0.05",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.25) -> Any:
    """Poll ``predicate`` until it returns something truthy; return it, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f}s")


@dataclass
class RunningStack:
    """A `vigie up` subprocess and what it wrote."""

    process: subprocess.Popen[str]
    data_dir: Path
    stdout_lines: list[str] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        return wait_until(lambda: read_state(self.data_dir / "state.json"), 60)

    def stop(self, timeout: float = 40) -> tuple[int, str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


def start_stack(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> RunningStack:
    """Start `vigie up ARGS` with its stdout and stderr captured."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vigie", "up", *args],
        env=env or vigie_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return RunningStack(process=process, data_dir=data_dir)


def read_topic(bootstrap: str, topic: str, idle_ms: int = 2000) -> list[dict[str, Any]]:
    """Every record of ``topic`` from the beginning, as JSON objects."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=idle_ms)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    records = [json.loads(message.value) for message in consumer]
    consumer.close()
    return records
