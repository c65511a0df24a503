"""The short chaos bench: a real `vigie up` on the durable broker, distinct casualty events
replayed while the stream worker, the alert worker, Redis, then the broker and its store are
killed with SIGKILL, and while the receiver answers 500s, then hangs; every event is delivered
exactly once to a signed-webhook receiver that drops repeats of a delivery id, as the webhook
contract asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benches import load_bench

pytestmark = pytest.mark.integration


def test_every_event_delivered_once_while_parts_fail(tmp_path: Path) -> None:
    chaos = load_bench("chaos")
    faults = chaos.KILL_FAULTS + chaos.RECEIVER_FAULTS
    events = chaos.SHORT_EVENTS
    rows = chaos.run_chaos(
        faults,
        events,
        receiver_fault_s=chaos.SHORT_RECEIVER_FAULT_S,
        drain_timeout_s=90.0,
        work=tmp_path,
    )
    table = chaos.format_table(rows)
    assert [row.fault for row in rows] == list(faults), table
    for row in rows:
        assert (row.expected, row.delivered, row.duplicated) == (events, events, 0), table
        # Re-sends carry the delivery id already accepted (the receiver drops them); they
        # can only come from the alert worker killed between the answer and its record.
        assert row.held, table
