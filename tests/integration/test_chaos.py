"""The short chaos bench: a real `vigie up` on the durable broker, distinct casualty events
replayed while the stream worker, the alert worker, Redis, then the broker and its store are
killed with SIGKILL; every event is delivered exactly once to a signed-webhook receiver."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[2] / "bench" / "chaos.py"


def _chaos() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vigie_bench_chaos", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_event_delivered_once_while_parts_are_killed(tmp_path: Path) -> None:
    chaos = _chaos()
    rows = chaos.run_chaos(chaos.KILL_FAULTS, 40, drain_timeout_s=90.0, work=tmp_path)
    table = chaos.format_table(rows)
    assert [row.fault for row in rows] == list(chaos.KILL_FAULTS), table
    for row in rows:
        assert (row.expected, row.delivered, row.duplicated) == (40, 40, 0), table
