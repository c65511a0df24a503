"""``HistoryWriter``: records handled together are written in one batch; a failure fails them."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from alerts.history.consumer import HistoryWriter
from alerts.history.store import HistoryStore
from alerts.testing import sample_alert
from streams.events import Alert


class CountingStore(HistoryStore):
    """A real SQLite store that remembers the size of each batch."""

    batches: list[int]

    def write_batch(self, alerts: Sequence[Alert]) -> list[bool]:
        self.batches.append(len(alerts))
        return super().write_batch(alerts)


async def test_concurrent_records_share_a_batch_and_repeats_are_told(tmp_path: Path) -> None:
    store = CountingStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    store.batches = []
    writer = HistoryWriter(store)
    alerts = [sample_alert(f"a{number}") for number in range(20)]
    outcomes = await asyncio.gather(*(writer.handle(alert) for alert in [*alerts, alerts[0]]))
    assert outcomes == [True] * 20 + [False]
    assert sum(store.batches) == 21 and len(store.batches) < 21
    assert await writer.handle(alerts[3]) is False
    await writer.close()
    assert store.count() == 20
    store.close()


async def test_a_failed_batch_fails_its_records_so_they_stay_uncommitted(tmp_path: Path) -> None:
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")

    def broken(alerts: Sequence[Alert]) -> list[bool]:
        raise OSError("disk full")

    store.write_batch = broken  # type: ignore[method-assign]
    writer = HistoryWriter(store)
    with pytest.raises(OSError, match="disk full"):
        await writer.handle(sample_alert("a1"))
    await writer.close()
    store.close()
