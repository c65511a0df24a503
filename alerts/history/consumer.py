"""The history writer: a consumer of ``vigie.alerts`` in its own group that keeps every revision.

It reuses the alert worker's Kafka edge (``alerts.worker.KafkaAlertConsumer``): offsets are
committed only once a record's revision is in the database (at-least-once), and the store
skips a revision it already holds (idempotent on alert id + revision). Records handled at the
same time are written in one transaction, so a burst costs one commit, not one per alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from alerts import metrics
from alerts.history.store import HistoryStore
from alerts.policy import DeliveryPolicy
from alerts.worker import consume_alerts
from kernel.contracts import HISTORY_GROUP_ID
from streams.events import Alert

log = logging.getLogger(__name__)

#: Most revisions written in one transaction.
BATCH_SIZE = 500


class HistoryWriter:
    """Batches the alerts handed to ``handle`` into transactions of the history store."""

    def __init__(self, store: HistoryStore, *, batch_size: int = BATCH_SIZE) -> None:
        self.store = store
        self.batch_size = batch_size
        self._pending: list[tuple[Alert, asyncio.Future[bool]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def handle(self, alert: Alert, produced_at: float | None = None) -> bool:
        """Keep ``alert``'s revision; returns once it is committed (``False``: kept before)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._write_batches(), name="vigie-history-batches")
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((alert, future))
        self._wake.set()
        return await future

    async def flush_due(self, now: float | None = None) -> list[asyncio.Task[None]]:
        """Nothing is held back in the history: no digests to flush."""
        return []

    async def retry_due(self, now: float | None = None) -> list[asyncio.Task[None]]:
        """Nothing waits in a backlog: a failed batch fails its records, which are retried."""
        return []

    async def _write_batches(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = (
                    self._pending[: self.batch_size],
                    self._pending[self.batch_size :],
                )
                await self._write(batch)

    async def _write(self, batch: list[tuple[Alert, asyncio.Future[bool]]]) -> None:
        alerts = [alert for alert, _ in batch]
        started = time.perf_counter()
        try:
            outcomes = await asyncio.to_thread(self.store.write_batch, alerts)
        except Exception as exc:
            # The database is away: each record is retried by the edge, never committed unwritten.
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        metrics.HISTORY_BATCH_SECONDS.observe(time.perf_counter() - started)
        for (_, future), new in zip(batch, outcomes, strict=True):
            metrics.HISTORY_WRITES.labels("new" if new else "duplicate").inc()
            if not future.done():
                future.set_result(new)

    async def close(self) -> None:
        """Stop the batch task (records still pending fail and stay uncommitted)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for _, future in self._pending:
            if not future.done():
                future.cancel()
        self._pending.clear()


async def run_history_writer(
    kafka_bootstrap: str,
    history_url: str,
    *,
    policy: DeliveryPolicy | None = None,
    metrics_port: int | None = None,
    bind: str = "127.0.0.1",
    session_timeout_s: float = 6.0,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    group_id: str = HISTORY_GROUP_ID,
) -> None:
    """Keep every alert of ``vigie.alerts`` in the history at ``history_url`` until ``stop``."""
    policy = policy or DeliveryPolicy()
    stop = stop or asyncio.Event()
    store = await asyncio.to_thread(HistoryStore.open, history_url)
    writer = HistoryWriter(store)
    log.info("history writer keeps alerts in %s", store.engine.url.render_as_string())
    try:
        await consume_alerts(
            writer,
            kafka_bootstrap,
            stop,
            group_id=group_id,
            process="history",
            policy=policy,
            session_timeout_s=session_timeout_s,
            ops=(metrics_port, bind),
            ready=ready,
        )
    finally:
        await writer.close()
        store.close()
