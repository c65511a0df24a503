"""Supervised children: restarted with growing backoff, stopped without orphans."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from vigie.embedded.supervisor import RESTART_BACKOFF_S, ChildProcess, restart_delay, stop_children


def test_restart_delay_grows_then_caps() -> None:
    delays = [restart_delay(n) for n in range(10)]
    assert delays == sorted(delays)
    assert delays[0] == RESTART_BACKOFF_S[0] and delays[-1] == RESTART_BACKOFF_S[-1]


def test_dead_child_is_restarted_after_its_backoff(tmp_path: Path) -> None:
    child = ChildProcess(
        name="short",
        command=[sys.executable, "-c", "import sys; sys.exit(3)"],
        env={},
        log_file=tmp_path / "short.log",
    )
    child.start()
    first_pid = child.pid
    assert child.wait(10)
    child.check()  # notices the exit, schedules the restart
    assert child.pid == first_pid and child.next_start_at > 0
    time.sleep(RESTART_BACKOFF_S[0] + 0.1)
    child.check()
    assert child.pid != first_pid and child.restarts == 1
    child.wait(10)
    child.close()


def test_stop_children_terminates_then_kills(tmp_path: Path) -> None:
    stubborn = ChildProcess(
        name="stubborn",
        command=[
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)",
        ],
        env={},
        log_file=tmp_path / "stubborn.log",
    )
    polite = ChildProcess(
        name="polite",
        command=[sys.executable, "-c", "import time; time.sleep(60)"],
        env={},
        log_file=tmp_path / "p.log",
    )
    stubborn.start()
    polite.start()
    time.sleep(0.3)
    stop_children([stubborn, polite], timeout=1.0)
    assert not stubborn.alive() and not polite.alive()
