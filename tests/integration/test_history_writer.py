"""The history writer on the real broker: every revision lands once, however often it is read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from alerts.history.consumer import run_history_writer
from alerts.history.store import HistoryStore
from alerts.testing import FAST_POLICY, produce_alerts, sample_alert
from streams.events import Alert, Casualties

pytestmark = pytest.mark.integration


class WriterHarness:
    """An in-process history writer task."""

    def __init__(self, bootstrap: str, url: str, group_id: str = "vigie-history") -> None:
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.task = asyncio.create_task(
            run_history_writer(
                bootstrap,
                url,
                policy=FAST_POLICY,
                session_timeout_s=2.0,
                stop=self.stop,
                ready=self.ready,
                group_id=group_id,
            )
        )

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)


async def _until(check: Callable[[], bool], harness: WriterHarness, timeout: float = 30) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            if harness.task.done():
                harness.task.result()
            await asyncio.sleep(0.05)


def _revision(alert: Alert, revision: int, killed: int) -> Alert:
    event = replace(alert.event, casualties=Casualties(killed=killed), item_id=f"i{revision}")
    return replace(alert, revision=revision, event=event, reason="toll_up")


async def test_alerts_replayed_twice_land_once_with_their_revisions(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    goma = sample_alert("goma", kind="casualty_report", place="Goma", country="CD", killed=12)
    alerts = [goma, _revision(goma, 1, 25), sample_alert("mosul"), sample_alert("beni")]
    # The same records twice on the topic, as a re-published archive would put them.
    await produce_alerts(kafka_bootstrap, *alerts, *alerts)
    store = HistoryStore.open(url)
    writer = WriterHarness(kafka_bootstrap, url)
    await _until(lambda: store.revision_count() == 4, writer)
    await produce_alerts(kafka_bootstrap, _revision(goma, 2, 40))
    await _until(lambda: store.revision_count() == 5, writer)
    await writer.close()
    assert store.count() == 3
    detail = store.get("goma")
    assert detail is not None
    assert [r["killed"] for r in detail["revisions"]] == [12, 25, 40]

    # A new group reads the whole topic again (a rebuilt writer): the history does not grow.
    again = WriterHarness(kafka_bootstrap, url, group_id="vigie-history-rebuilt")
    await again.ready.wait()
    await produce_alerts(kafka_bootstrap, sample_alert("palmyra"))
    await _until(lambda: store.count() == 4, again)
    await again.close()
    assert store.revision_count() == 6
    store.close()
