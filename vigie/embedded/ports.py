"""Free-port helpers for the embedded stack and the tests."""

from __future__ import annotations

import socket
import subprocess
import time
from typing import IO


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def port_or_free(port: int, host: str = "127.0.0.1") -> int:
    """``port`` when it is set and free, else any free port (0 asks for any)."""
    if port and not port_in_use(port, host):
        return port
    return free_port(host)


def wait_for_port(port: int, timeout: float, host: str = "127.0.0.1") -> bool:
    """Wait until ``host:port`` accepts connections; ``False`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_in_use(port, host):
            return True
        time.sleep(0.05)
    return False


def stop_process(
    process: subprocess.Popen[bytes] | None, log_handle: IO[bytes] | None, timeout: float = 5.0
) -> None:
    """Terminate a server process, kill it when it does not exit in time, close its log."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    if log_handle is not None:
        log_handle.close()


class ServerProcess:
    """A server child process with its log handle: alive, killed, or stopped politely."""

    #: Seconds a polite stop waits before it kills.
    stop_timeout = 5.0

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """``kill -9`` the process (benches and tests of crashes)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self, timeout: float | None = None) -> None:
        """Stop the process, killing it when it does not exit in time."""
        stop_process(self.process, self._log_handle, timeout or self.stop_timeout)
        self._log_handle = None
