"""Helpers to run the real `vigie up` and Vigie processes as subprocesses in tests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from kernel.settings import PORT_VARIABLES
from vigie.embedded.ports import free_port
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


def start_ingest(
    data_dir: Path, feeds_file: Path, bootstrap: str, redis_url: str, **extra: str
) -> subprocess.Popen[bytes]:
    """`vigie ingest --feeds FEEDS_FILE` on the given broker and Redis, warnings on stderr."""
    env = vigie_env(
        data_dir,
        VIGIE_KAFKA_BOOTSTRAP=bootstrap,
        VIGIE_REDIS_URL=redis_url,
        VIGIE_LOG_LEVEL="WARNING",
        **{"VIGIE_INGEST_METRICS_PORT": str(free_port()), **extra},
    )
    return subprocess.Popen(
        [sys.executable, "-m", "vigie", "ingest", "--feeds", str(feeds_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop_process(process: subprocess.Popen[bytes], timeout: float = 30) -> tuple[int, str]:
    """SIGTERM ``process`` and wait: its exit code and the end of its stderr."""
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=timeout)
    return process.returncode, errors.decode(errors="replace")[-2000:]


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.25) -> Any:
    """Poll ``predicate`` until it returns something truthy; return it, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f}s")


async def wait_until_async(
    predicate: Callable[[], Any], timeout: float, interval: float = 0.2
) -> Any:
    """``wait_until`` for a test whose event loop serves something (a feed farm) meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(interval)
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


class WebhookSink:
    """A webhook receiver in its own thread that keeps every request and checks signatures."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.requests: list[tuple[dict[str, str], bytes]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                sink.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def subscriptions_yaml(self, name: str = "tests") -> str:
        """A subscriptions file sending every alert to this sink, signed with its secret."""
        return (
            f"subscriptions:\n  - name: {name}\n    channel: webhook+{self.url}\n"
            f"    secret: {self.secret}\n"
        )

    def alerts(self) -> list[dict[str, Any]]:
        """Alert bodies received, each with a valid signature (digests unpacked)."""
        found = []
        for headers, body in list(self.requests):
            expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            assert hmac.compare_digest(headers.get("x-vigie-signature", ""), expected)
            payload = json.loads(body)
            found.extend(payload.get("alerts") or [payload.get("alert") or payload])
        return found

    def __enter__(self) -> WebhookSink:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
