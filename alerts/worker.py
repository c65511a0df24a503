"""The alert worker: consume ``vigie.alerts``, match subscriptions, deliver, commit what is done.

At-least-once from Kafka (manual commits of the highest contiguous handled offset per
partition) plus the idempotency keys in Redis give "never twice"; retries and dead letters
give "never lost". Each record is handled by its own task so a slow target delays only the
commits of its own partition, never the other deliveries.

A record counts as handled once every delivery is sent, dead-lettered, held, or queued in its
target's Redis backlog (alerts/backlog.py): a failing target keeps its deliveries there, not in
uncommitted offsets, so it neither holds back the partition nor is lost with the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from redis.asyncio import Redis

from alerts import metrics
from alerts.backlog import RedisBacklog
from alerts.channels.registry import ChannelRegistry
from alerts.delivery import Deliverer, Delivery, Outcome, Publish
from alerts.delivery import no_publish as _no_publish
from alerts.digest import RedisHoldBuffer, digest_key
from alerts.idempotency import IdempotencyStore, KeyState, delivery_key
from alerts.offsets import OffsetTracker
from alerts.policy import DeliveryPolicy
from alerts.silence_store import RedisSilenceStore
from alerts.silences import Silence, silenced_by
from alerts.subscription_store import RedisSubscriptionStore, load_subscriptions_file
from alerts.subscriptions import Subscription, console_subscription, matches
from ingest.egress import EgressPolicy
from kernel.contracts import ALERTS_GROUP_ID, TOPIC_ALERTS, TOPIC_DEAD
from kernel.stats import STAT_SILENCED, bump
from streams.consumer_offsets import AIOKafkaOffsets, OffsetHealer, healing
from streams.events import Alert

log = logging.getLogger(__name__)

#: How often the worker looks for changed subscriptions.
SUBSCRIPTIONS_REFRESH_S = 1.0


def _log_failed_publish(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("could not publish a delivery outcome: %s", future.exception())


def worker_owner() -> str:
    """A name for this worker process in idempotency leases."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class AlertWorker:
    """Matching, holding and delivering alerts; knows Redis and channels, not Kafka."""

    def __init__(
        self,
        redis: Redis,
        channels: ChannelRegistry,
        policy: DeliveryPolicy,
        *,
        console: Subscription | None = None,
        publish: Publish | None = None,
        owner: str | None = None,
    ) -> None:
        self.redis = redis
        self.channels = channels
        self.policy = policy
        self.console = console
        self.store = RedisSubscriptionStore(redis)
        self.owner = owner or worker_owner()
        self.idempotency = IdempotencyStore(redis, self.owner, ttl_s=policy.key_ttl_s)
        self.backlog = RedisBacklog(redis, key_ttl_s=policy.key_ttl_s)
        self.deliverer = Deliverer(
            redis,
            channels,
            self.idempotency,
            policy,
            publish=publish or _no_publish,
            backlog=self.backlog,
        )
        self.buffer = RedisHoldBuffer(
            redis,
            threshold=policy.digest_threshold,
            window_s=policy.digest_window_s,
            merge_window_s=policy.revision_merge_window_s,
        )
        self._subscriptions: list[Subscription] = []
        self._version: int | None = None
        self._checked_at = 0.0
        # Alerts of several partitions are handled at once: one re-read at a time, and an alert
        # that comes while it runs waits for it rather than matching the list it replaces.
        self._subscriptions_lock = asyncio.Lock()
        self.silence_store = RedisSilenceStore(redis)
        self._silences: list[Silence] = []
        self._silences_version: int | None = None
        self._silences_checked_at = 0.0
        self._silences_lock = asyncio.Lock()
        self._flushing: set[str] = set()
        self._draining: set[str] = set()

    async def subscriptions(self) -> list[Subscription]:
        """Stored subscriptions plus the console, re-read when their version changes."""
        if self._stale(self._version, self._checked_at):
            async with self._subscriptions_lock:
                if self._stale(self._version, self._checked_at):
                    version = await self.store.version()
                    if version != self._version:
                        self._subscriptions = await self.store.all()
                        self._version = version
                    self._checked_at = time.monotonic()
        return ([self.console] if self.console else []) + self._subscriptions

    @staticmethod
    def _stale(version: int | None, checked_at: float) -> bool:
        """Whether a cached list must be checked against its store's version again."""
        return version is None or time.monotonic() - checked_at >= SUBSCRIPTIONS_REFRESH_S

    async def silences(self) -> list[Silence]:
        """Stored silences, re-read when their version changes (checked as often as subscriptions)."""
        if self._stale(self._silences_version, self._silences_checked_at):
            async with self._silences_lock:
                if self._stale(self._silences_version, self._silences_checked_at):
                    version = await self.silence_store.version()
                    if version != self._silences_version:
                        self._silences = await self.silence_store.all()
                        self._silences_version = version
                    self._silences_checked_at = time.monotonic()
        return self._silences

    async def silenced(self, alert: Alert) -> Silence | None:
        """The active silence that stops ``alert`` (counted, logged and recorded), or ``None``."""
        now = datetime.now(UTC)
        silence = silenced_by(await self.silences(), alert, now)
        if silence is not None:
            metrics.ALERTS_SILENCED.labels(alert.kind).inc()
            await bump(self.redis, STAT_SILENCED)
            log.info(
                "alert %s r%d silenced by %s (%s)",
                alert.id,
                alert.revision,
                silence.id,
                silence.comment,
            )
            await self.silence_store.record_silenced(alert, silence, now)
        return silence

    async def subscription(self, subscription_id: str) -> Subscription | None:
        """One subscription by id, the console included."""
        if self.console and subscription_id == self.console.id:
            return self.console
        return await self.store.get(subscription_id)

    async def handle(self, alert: Alert, produced_at: float | None = None) -> list[Outcome]:
        """Deliver (or hold) ``alert`` for every matching subscription; returns once all are settled."""
        metrics.ALERTS_CONSUMED.labels(alert.kind).inc()
        if await self.silenced(alert) is not None:
            return []
        targets = [sub for sub in await self.subscriptions() if matches(sub, alert)]
        log.info("alert %s r%d matches %d subscription(s)", alert.id, alert.revision, len(targets))
        return list(
            await asyncio.gather(*(self._handle_one(alert, sub, produced_at) for sub in targets))
        )

    async def _handle_one(
        self, alert: Alert, subscription: Subscription, produced_at: float | None
    ) -> Outcome:
        key = delivery_key(alert.id, alert.revision, subscription.id)
        delivery = Delivery(subscription, (alert,), (key,), produced_at)
        if await self.idempotency.state(key) in (
            KeyState.DONE,
            KeyState.DEAD,
            KeyState.HELD,
            KeyState.QUEUED,
        ):
            # Settled before (a redelivery after a crash): the deliverer records the duplicate.
            return await self.deliverer.deliver(delivery)
        if self._may_hold(subscription):
            now = time.time()
            due = await self.buffer.hold_until(alert, subscription, now)
            if due is not None:
                await self.buffer.hold(alert, key, subscription, due)
                await self.idempotency.settle(key, state=KeyState.HELD)
                log.info("alert %s held for %s until %.0f", alert.id, subscription.log_name(), due)
                await self.deliverer.record(delivery, subscription.kind, Outcome.HELD, 0)
                return Outcome.HELD
        outcome = await self.deliverer.deliver(delivery)
        if outcome is Outcome.DELIVERED:
            await self.buffer.mark_sent(delivery.alerts, subscription.id, time.time())
        return outcome

    def _may_hold(self, subscription: Subscription) -> bool:
        try:
            return self.channels.channel_for(subscription.channel).supports_digest
        except Exception:
            return False

    async def flush_due(self, now: float | None = None) -> list[asyncio.Task[None]]:
        """Start sending every due digest or merged revision; returns the tasks started."""
        await self.buffer.take_due(time.time() if now is None else now)
        tasks = []
        for batch_id in await self.buffer.batch_ids():
            if batch_id not in self._flushing:
                self._flushing.add(batch_id)
                tasks.append(asyncio.create_task(self._flush(batch_id)))
        return tasks

    async def _flush(self, batch_id: str) -> None:
        try:
            batch = await self.buffer.read_batch(batch_id)
            if batch is None or not batch.alerts:
                await self.buffer.drop_batch(batch_id)
                return
            subscription = await self.subscription(batch.subscription_id)
            if subscription is None or subscription.paused:
                state = "removed" if subscription is None else "paused"
                log.warning(
                    "dropping held alerts of %s subscription %s", state, batch.subscription_id
                )
                await self.buffer.drop_batch(batch_id)
                return
            delivery = Delivery(subscription, batch.alerts, (digest_key(batch_id), *batch.keys))
            outcome = await self.deliverer.deliver(delivery, wait_if_busy=False)
            if outcome is Outcome.BUSY:
                return
            if outcome is Outcome.DELIVERED:
                await self.buffer.mark_sent(batch.alerts, subscription.id, time.time())
            await self.buffer.drop_batch(batch_id)
        except Exception:
            log.exception("flushing held batch %s failed; will try again", batch_id)
        finally:
            self._flushing.discard(batch_id)

    async def retry_due(self, now: float | None = None) -> list[asyncio.Task[None]]:
        """Start draining every target whose backlog is due; returns the tasks started."""
        tasks = []
        metrics.BACKLOG_TARGETS.set(await self.backlog.total())
        for target in await self.backlog.due(time.time() if now is None else now):
            if target not in self._draining:
                self._draining.add(target)
                tasks.append(asyncio.create_task(self._drain(target)))
        return tasks

    async def _drain(self, target: str) -> None:
        try:
            await self.deliverer.drain(target, self.subscription, self.owner)
        except Exception:
            log.exception("retrying the backlog of target %s failed; will try again", target)
        finally:
            self._draining.discard(target)

    async def sync_declared(self, path: Path) -> list[Subscription]:
        """Upsert the subscriptions of a YAML file (stable ids from their names)."""
        stored = await self.store.upsert_declared(load_subscriptions_file(path))
        self._version = None
        log.info("loaded %d subscription(s) from %s", len(stored), path)
        return stored


class AlertHandler(Protocol):
    """What the Kafka edge drives: ``AlertWorker``, or the history writer."""

    async def handle(self, alert: Alert, produced_at: float | None = None) -> Any: ...

    async def flush_due(self, now: float | None = None) -> list[asyncio.Task[None]]: ...

    async def retry_due(self, now: float | None = None) -> list[asyncio.Task[None]]: ...


class KafkaAlertConsumer:
    """The Kafka edge: reads records, runs ``handle`` of its worker per record, commits handled offsets."""

    def __init__(
        self,
        worker: AlertHandler,
        consumer: Any,
        policy: DeliveryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.worker = worker
        self.consumer = consumer
        self.policy = policy
        self.sleep = sleep
        self.tracker: OffsetTracker[Any] = OffsetTracker()
        self.handling = asyncio.Semaphore(policy.max_concurrent_alerts)
        self.tasks: set[asyncio.Task[None]] = set()
        self.assigned = False

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set; commit on the way out."""
        last_commit = last_flush = time.monotonic()
        paused = False
        try:
            while not stop.is_set():
                batches = await self.consumer.getmany(timeout_ms=200, max_records=500)
                self.assigned = bool(self.consumer.assignment())
                for partition, records in batches.items():
                    for record in records:
                        self._start(partition, record)
                now = time.monotonic()
                if now - last_flush >= self.policy.flush_interval_s:
                    last_flush = now
                    await self._flush()
                if now - last_commit >= self.policy.commit_interval_s:
                    last_commit = now
                    await self.commit()
                # Back-pressure: stop fetching while too many records wait for slow targets.
                busy = self.tracker.in_flight >= self.policy.max_in_flight
                if busy != paused:
                    paused = busy
                    partitions = list(self.consumer.assignment())
                    (self.consumer.pause if busy else self.consumer.resume)(*partitions)
        finally:
            await self.commit()

    async def _flush(self) -> None:
        try:
            for task in await self.worker.flush_due():
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        except Exception:
            log.exception("cannot flush held alerts now; will try again")
        try:
            for task in await self.worker.retry_due():
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
        except Exception:
            log.exception("cannot retry queued deliveries now; will try again")

    def _start(self, partition: Any, record: Any) -> None:
        self.tracker.started(partition, record.offset)
        task = asyncio.create_task(self._handle(partition, record))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _handle(self, partition: Any, record: Any) -> None:
        produced_at = record.timestamp / 1000 if record.timestamp else None
        try:
            alert = Alert.from_dict(json.loads(record.value))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("skipping unreadable alert at %s@%d: %s", partition, record.offset, exc)
            metrics.ALERTS_CONSUMED.labels("unreadable").inc()
            self.tracker.finished(partition, record.offset)
            return
        failures = 0
        while True:
            try:
                async with self.handling:
                    await self.worker.handle(alert, produced_at)
                break
            except Exception:
                # Redis or the broker is away: keep the record uncommitted and try again.
                failures += 1
                log.exception("handling alert %s failed (try %d); retrying", alert.id, failures)
                await self.sleep(min(30.0, 0.5 * 2 ** min(failures, 6)))
        self.tracker.finished(partition, record.offset)

    async def commit(self) -> None:
        """Commit the highest contiguous handled offset of every partition that moved."""
        offsets = self.tracker.committable()
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except Exception as exc:
            log.warning("offset commit failed (%s); will retry", exc)
            self.tracker.restore(offsets)

    async def on_revoked(self, partitions: list[Any]) -> None:
        """Rebalance: commit what is done, forget the rest (the next owner's claims wait for ours)."""
        await self.commit()
        self.tracker.forget(list(partitions))

    async def drain(self, timeout_s: float) -> None:
        """Let running deliveries finish for up to ``timeout_s`` before shutdown."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout_s)
        left = set(self.tasks)
        for task in left:
            task.cancel()
        # Let cancelled deliveries release their leases and locks before the clients close.
        if left:
            await asyncio.wait(left, timeout=5.0)
        await self.commit()


async def run_alert_worker(
    kafka_bootstrap: str,
    redis_url: str,
    *,
    policy: DeliveryPolicy | None = None,
    console: bool = True,
    console_lang: str = "en",
    allow_private_targets: bool = False,
    egress: EgressPolicy | None = None,
    subscriptions_file: Path | str | None = None,
    metrics_port: int | None = None,
    bind: str = "127.0.0.1",
    session_timeout_s: float = 6.0,
    stop: asyncio.Event | None = None,
    stdout: TextIO | None = None,
    ready: asyncio.Event | None = None,
    group_id: str = ALERTS_GROUP_ID,
) -> None:
    """Run an alert worker until ``stop`` is set (or forever); every argument is a plain value."""
    import redis.asyncio as aioredis
    from aiokafka import AIOKafkaProducer

    policy = policy or DeliveryPolicy()
    stop = stop or asyncio.Event()
    pool = aioredis.BlockingConnectionPool.from_url(
        redis_url, max_connections=policy.redis_connections, timeout=30
    )
    redis = aioredis.Redis(connection_pool=pool)
    channels = ChannelRegistry(
        egress=egress,
        allow_private=allow_private_targets,
        timeout_s=policy.timeout_s,
        stdout=stdout,
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=5)

    async def publish(topic: str, key: str, value: dict[str, Any]) -> None:
        payload = json.dumps(value, ensure_ascii=False).encode()
        sent = await producer.send(topic, payload, key=key.encode())
        if topic == TOPIC_DEAD:
            # A dead letter must be on the topic before its record is committed.
            await sent
        else:
            # Outcomes are a log, not a promise: do not hold the delivery for the broker's ack.
            sent.add_done_callback(_log_failed_publish)

    worker = AlertWorker(
        redis,
        channels,
        policy,
        console=console_subscription(console_lang) if console else None,
        publish=publish,
    )
    try:
        if subscriptions_file:
            await worker.sync_declared(Path(subscriptions_file))
        await producer.start()
        await consume_alerts(
            worker,
            kafka_bootstrap,
            stop,
            group_id=group_id,
            process="alerts",
            policy=policy,
            session_timeout_s=session_timeout_s,
            ops=(metrics_port, bind),
            ready=ready,
        )
    finally:
        with contextlib.suppress(Exception):
            await producer.stop()
        await channels.aclose()
        await redis.aclose()
        await pool.disconnect()


def alerts_consumer(
    kafka_bootstrap: str, group_id: str, *, session_timeout_s: float, client_id: str
) -> Any:
    """An aiokafka consumer of ``vigie.alerts`` in ``group_id`` that commits only by hand."""
    from aiokafka import AIOKafkaConsumer

    session_ms = int(session_timeout_s * 1000)
    return AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=session_ms,
        heartbeat_interval_ms=max(100, min(3000, session_ms // 3)),
        client_id=client_id,
        # Alerts are few and urgent: do not let the broker sit on a fetch waiting for more.
        fetch_max_wait_ms=50,
    )


async def consume_alerts(
    worker: AlertHandler,
    kafka_bootstrap: str,
    stop: asyncio.Event,
    *,
    group_id: str,
    process: str,
    policy: DeliveryPolicy,
    session_timeout_s: float,
    ops: tuple[int | None, str] = (None, "127.0.0.1"),
    ready: asyncio.Event | None = None,
) -> None:
    """Run ``worker`` on every record of ``vigie.alerts`` in ``group_id`` until ``stop`` is set.

    Serves the operator endpoints on ``ops`` (metrics port, address; no port: none), heals
    committed offsets past the log end, commits what is done on rebalances, and drains the
    records still running (for up to the delivery timeout) before it stops the consumer.
    """
    from aiokafka import ConsumerRebalanceListener

    from kernel.ops import serve_ops

    consumer = alerts_consumer(
        kafka_bootstrap,
        group_id,
        session_timeout_s=session_timeout_s,
        client_id=f"vigie-{process}-{os.getpid()}",
    )
    edge = KafkaAlertConsumer(worker, consumer, policy)
    # A committed offset beyond the log end (a broker that lost its log) is rewound.
    healer = OffsetHealer(AIOKafkaOffsets(consumer, lambda tp: edge.tracker.forget([tp])), group_id)

    class Rebalance(ConsumerRebalanceListener):
        async def on_partitions_revoked(self, revoked: Any) -> None:
            await edge.on_revoked(list(revoked))

        async def on_partitions_assigned(self, assigned: Any) -> None:
            log.info("%s assigned %d partition(s)", process, len(assigned))

    metrics_port, bind = ops
    served: contextlib.AbstractAsyncContextManager[Any] = (
        serve_ops(metrics_port, process=process, ready=lambda: edge.assigned, host=bind)
        if metrics_port is not None
        else contextlib.nullcontext()
    )
    try:
        async with served:
            consumer.subscribe([TOPIC_ALERTS], listener=Rebalance())
            await consumer.start()
            if ready is not None:
                ready.set()
            log.info("%s consuming %s as group %s", process, TOPIC_ALERTS, group_id)
            async with healing(healer):
                await edge.run(stop)
            await edge.drain(policy.timeout_s)
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
