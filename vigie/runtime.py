"""Find the running stack: its broker and Redis, from settings or the state file of `vigie up`."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kernel.errors import StackError
from kernel.settings import Settings


class StackNotFound(StackError):
    """No running stack could be found: start one with `vigie up`, or set the addresses."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Addresses of the shared parts of a running stack."""

    kafka_bootstrap: str
    redis_url: str
    urls: dict[str, str] = field(default_factory=dict)


def read_state(path: Path) -> dict[str, Any] | None:
    """The state file written by `vigie up`, or ``None`` when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Write the state file atomically so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _pid_alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except (OSError, TypeError, ValueError):
        return False
    return True


def resolve_endpoints(settings: Settings) -> Endpoints:
    """Broker and Redis addresses: explicit settings first, else the running stack's state file."""
    state = read_state(settings.state_file) or {}
    running = bool(state) and _pid_alive(state.get("pid"))
    bootstrap = settings.kafka_bootstrap or (state.get("kafka_bootstrap") if running else None)
    redis_url = settings.redis_url or (state.get("redis_url") if running else None)
    if not bootstrap or not redis_url:
        missing = " and ".join(
            name
            for name, value in (("VIGIE_KAFKA_BOOTSTRAP", bootstrap), ("REDIS_URL", redis_url))
            if not value
        )
        raise StackNotFound(
            f"no running Vigie stack found in {settings.data_dir} and {missing} not set: "
            "start one with `vigie up` (or pass --data-dir of the running stack)"
        )
    urls = dict(state.get("urls") or {}) if running else {}
    return Endpoints(kafka_bootstrap=bootstrap, redis_url=redis_url, urls=urls)
