"""``EmbeddedStack``: everything Vigie needs on one machine, started and stopped as one.

Order of start: the broker's durable store (unless the memory engine was asked for), the
broker (topics created explicitly), Redis, the demo feed server when asked,
then the processes (ingest, streams, alerts, history-writer, web) as supervised children. The addresses go
to a state file in the data directory so every other command finds the running stack.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kernel.contracts import ALL_TOPICS
from kernel.settings import Settings
from vigie.embedded.broker import TansuBroker, create_topics
from vigie.embedded.demo import DemoFeedServer, demo_dir
from vigie.embedded.ports import port_in_use, port_or_free
from vigie.embedded.redis import RedisServer, redis_reachable
from vigie.embedded.storage import S3_ENGINE, SeaweedStore
from vigie.embedded.supervisor import ChildProcess, stop_children
from vigie.runtime import write_state

log = logging.getLogger(__name__)

#: The processes of the stack, in start order, with the port setting each serves on.
PROCESSES: tuple[tuple[str, str], ...] = (
    ("streams", "streams_metrics_port"),
    ("alerts", "alerts_metrics_port"),
    ("history-writer", "history_metrics_port"),
    ("ingest", "ingest_metrics_port"),
    ("web", "status_port"),
)


@dataclass(frozen=True, slots=True)
class StackOptions:
    """What `vigie up` was asked for."""

    feeds_file: Path | None = None
    demo: bool = False
    console: bool = True


class EmbeddedStack:
    """Broker, Redis and the Vigie processes of one machine."""

    def __init__(self, settings: Settings, options: StackOptions) -> None:
        self.settings = settings
        self.options = options
        self.data_dir = settings.data_dir.resolve()
        self.logs = self.data_dir / "logs"
        self.store: SeaweedStore | None = None
        self.broker: TansuBroker | None = None
        self.redis_server: RedisServer | None = None
        self.redis_url = ""
        self.demo: DemoFeedServer | None = None
        self.children: list[ChildProcess] = []
        self.ports: dict[str, int] = {}

    def _start_broker(self) -> None:
        engine, storage_env = "memory://tansu/", {}
        if self.settings.broker_storage == "durable":
            self.store = SeaweedStore(
                self.data_dir / "broker",
                s3_port=self.settings.broker_store_port,
                memory_limit_mb=self.settings.broker_store_memory_mb,
                log_file=self.logs / "broker-store.log",
            )
            self.store.start()
            engine, storage_env = S3_ENGINE, self.store.broker_env()
        self.broker = TansuBroker(
            port=self.settings.broker_port,
            metrics_port=self.settings.broker_metrics_port,
            log_file=self.logs / "broker.log",
            storage_engine=engine,
            storage_env=storage_env,
        )
        self.broker.start()
        self._create_topics()

    def _create_topics(self) -> None:
        assert self.broker is not None
        created = create_topics(
            self.broker.bootstrap,
            ALL_TOPICS,
            self.settings.partitions,
            self.settings.replication_factor,
        )
        if created:
            log.info(
                "created topics %s with %d partitions", ", ".join(created), self.settings.partitions
            )

    def _start_redis(self) -> None:
        configured = self.settings.redis_url
        if configured and redis_reachable(configured):
            self.redis_url = configured
            log.info("using the Redis at %s", configured)
            return
        if configured:
            log.warning("REDIS_URL %s does not answer: starting a Redis of our own", configured)
        self.redis_server = RedisServer(self.data_dir / "redis")
        self.redis_url = self.redis_server.start()

    def _feeds_file(self) -> Path | None:
        if not self.options.demo:
            return self.options.feeds_file or self.settings.feeds_file
        self.demo = DemoFeedServer(port=port_or_free(self.settings.demo_feeds_port))
        base = self.demo.start()
        source = self.options.feeds_file or demo_dir() / "feeds.yaml"
        resolved = self.data_dir / "demo-feeds.yaml"
        resolved.write_text(
            source.read_text(encoding="utf-8").replace("{demo}", base), encoding="utf-8"
        )
        return resolved

    def _child_env(self, feeds_file: Path | None) -> dict[str, str]:
        assert self.broker is not None
        env = dict(os.environ)
        env.update(
            VIGIE_KAFKA_BOOTSTRAP=self.broker.bootstrap,
            VIGIE_REDIS_URL=self.redis_url,
            VIGIE_DATA_DIR=str(self.data_dir),
            VIGIE_PARTITIONS=str(self.settings.partitions),
            VIGIE_SESSION_TIMEOUT_S=str(self.settings.session_timeout_s),
            VIGIE_CONSOLE="1" if self.options.console else "0",
            VIGIE_LOG_LEVEL=self.settings.log_level,
            PYTHONUNBUFFERED="1",
        )
        if feeds_file is not None:
            env["VIGIE_FEEDS_FILE"] = str(feeds_file)
        if self.options.demo:
            env["VIGIE_ALLOW_PRIVATE_TARGETS"] = "1"
        for setting, port in self.ports.items():
            env[f"VIGIE_{setting.upper()}"] = str(port)
        return env

    def _ensure_servers(self, _child: ChildProcess | None = None) -> None:
        """Restart the broker's store, the broker and Redis when they died; never raises."""
        try:
            self._ensure_broker()
            if self.redis_server is not None and not self.redis_server.alive():
                log.warning("Redis died: restarting it from its AOF")
                self.redis_server.start()
        except Exception as exc:  # the supervisor must outlive any failed restart
            # The next check tries again; the clients wait for their servers meanwhile.
            log.error("could not restart a server: %s; trying again", exc)

    def _ensure_broker(self) -> None:
        # Bring the store and the broker back before the clients that need them.
        if self.store is not None and not self.store.alive():
            log.warning("the broker's store is down: restarting it on %s", self.store.data_dir)
            self.store.start()
        if self.broker is None or self.broker.alive():
            return
        if self.broker.durable:
            log.warning("the broker is down: restarting it (its log is kept in its store)")
            self.broker.start()
            self._create_topics()
            return
        log.warning("the broker is down: restarting it (its in-memory log is lost)")
        self.broker.start()
        self._create_topics()
        self._forget_published()

    def _forget_published(self) -> None:
        """The memory engine lost every record: let ingest publish the feeds' items again."""
        import redis

        from ingest.seen import forget_published

        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        try:
            forget_published(client)
        except (redis.RedisError, OSError) as exc:
            log.warning("could not reset the ingest seen-set after the broker restart: %s", exc)
        finally:
            client.close()

    def start(self) -> None:
        """Start every part and record the state file."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._start_broker()
        self._start_redis()
        feeds_file = self._feeds_file()
        for _, setting in PROCESSES:
            self.ports[setting] = port_or_free(getattr(self.settings, setting))
        env = self._child_env(feeds_file)
        for name, _ in PROCESSES:
            child = ChildProcess(
                name=name,
                command=[sys.executable, "-m", "vigie", name],
                env=env,
                log_file=self.logs / f"{name}.log",
                stdout_to_console=name == "alerts",
                on_restart=self._ensure_servers,
            )
            child.start()
            self.children.append(child)
        write_state(self.settings.state_file, self.state())

    def state(self) -> dict[str, Any]:
        """What other commands need to find this stack."""
        assert self.broker is not None
        urls = {"status": f"http://127.0.0.1:{self.ports['status_port']}/"}
        if port_in_use(self.broker.metrics_port):
            # Tansu builds without a Prometheus listener leave the port closed: no dead URL.
            urls["metrics_broker"] = f"http://127.0.0.1:{self.broker.metrics_port}/metrics"
        for name, setting in PROCESSES:
            urls[f"metrics_{name}"] = f"http://127.0.0.1:{self.ports[setting]}/metrics"
        if self.demo is not None:
            urls["demo_feeds"] = self.demo.base_url + "/"
        return {
            "pid": os.getpid(),
            "started_at": time.time(),
            "kafka_bootstrap": self.broker.bootstrap,
            "redis_url": self.redis_url,
            "redis_spawned": self.redis_server is not None,
            "broker_storage": self.settings.broker_storage,
            "broker_store": self.store.endpoint if self.store is not None else None,
            "data_dir": str(self.data_dir),
            "urls": urls,
            "processes": {child.name: child.pid for child in self.children},
            "servers": self._server_pids(),
        }

    def _server_pids(self) -> dict[str, int | None]:
        """Process ids of the servers this stack spawned (for operators and crash benches)."""
        pids: dict[str, int | None] = {}
        for name, server in (
            ("broker", self.broker),
            ("broker_store", self.store),
            ("redis", self.redis_server),
        ):
            if server is not None and server.process is not None:
                pids[name] = server.process.pid
        return pids

    def check(self) -> None:
        """Restart what died; call this periodically."""
        before = {child.name: child.pid for child in self.children}, self._server_pids()
        self._ensure_servers()
        for child in self.children:
            child.check()
        if ({child.name: child.pid for child in self.children}, self._server_pids()) != before:
            write_state(self.settings.state_file, self.state())

    def stop(self) -> None:
        """Stop the processes, then the demo server, Redis (if ours) and the broker."""
        stop_children(self.children)
        self.children.clear()
        if self.demo is not None:
            self.demo.stop()
        if self.redis_server is not None:
            self.redis_server.stop()
        if self.broker is not None:
            self.broker.stop()
        if self.store is not None:
            self.store.stop()
        with contextlib.suppress(FileNotFoundError):
            self.settings.state_file.unlink()
