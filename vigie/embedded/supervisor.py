"""Child processes of the embedded stack: started, watched, restarted with backoff, stopped.

Children die with their parent (``PR_SET_PDEATHSIG``) so even a ``kill -9`` of `vigie up`
leaves no orphan, and they run in their own process group so a Ctrl-C reaches only the
supervisor, which then stops them in order.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
RESTART_BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
#: A child that stayed up this long is considered healthy again: its backoff resets.
STABLE_AFTER_S = 60.0


def _die_with_parent() -> None:
    """Runs in the child before exec: ask the kernel for SIGTERM when the parent dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the process group and the stop path still apply
        pass


def restart_delay(restarts: int) -> float:
    """Seconds to wait before the ``restarts``-th restart in a row."""
    return RESTART_BACKOFF_S[min(restarts, len(RESTART_BACKOFF_S) - 1)]


@dataclass
class ChildProcess:
    """One supervised process: its command, environment, log file and restart bookkeeping."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_file: Path
    stdout_to_console: bool = False
    on_restart: Callable[[ChildProcess], None] | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    next_start_at: float = 0.0
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        """The running process id, if any."""
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        """Start the process, appending its output to its log file."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        if self._log is None:
            self._log = open(self.log_file, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=None if self.stdout_to_console else self._log,
            stderr=self._log,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.started_at = time.monotonic()
        log.info("started %s (pid %d), log in %s", self.name, self.process.pid, self.log_file)

    def alive(self) -> bool:
        """Whether the process is running."""
        return self.process is not None and self.process.poll() is None

    def check(self) -> None:
        """Restart the process with backoff when it died; call this periodically."""
        if self.process is None or self.alive():
            return
        now = time.monotonic()
        if self.next_start_at == 0.0:
            if now - self.started_at > STABLE_AFTER_S:
                self.restarts = 0
            delay = restart_delay(self.restarts)
            self.next_start_at = now + delay
            log.warning(
                "%s (pid %d) exited with code %s; restarting in %.0fs (restart %d)",
                self.name,
                self.process.pid,
                self.process.returncode,
                delay,
                self.restarts + 1,
            )
            return
        if now >= self.next_start_at:
            self.restarts += 1
            self.next_start_at = 0.0
            if self.on_restart is not None:
                self.on_restart(self)
            self.start()
            log.warning("restarted %s (pid %d)", self.name, self.pid or -1)

    def signal(self, signum: int) -> None:
        """Send a signal to the process if it runs."""
        if self.alive() and self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signum)

    def wait(self, timeout: float) -> bool:
        """Wait for the process to exit; ``False`` when it still runs after ``timeout``."""
        if self.process is None:
            return True
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def close(self) -> None:
        """Release the log file."""
        if self._log is not None:
            self._log.close()
            self._log = None


def stop_children(children: list[ChildProcess], timeout: float = 15.0) -> None:
    """SIGTERM every child, wait up to ``timeout`` in total, then SIGKILL the rest."""
    for child in children:
        child.signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        if not child.wait(max(0.0, deadline - time.monotonic())):
            log.warning("%s did not stop in %.0fs: killing it", child.name, timeout)
            child.signal(signal.SIGKILL)
            child.wait(5.0)
        child.close()
