"""The Faust application of the stream workers: ``vigie.items`` -> detect -> dedup -> alerts.

Every detection goes to ``vigie.events`` (audit and replay); what dedup lets through goes to
``vigie.alerts`` keyed by alert id. The agent reads records into a bounded queue and one task
takes them in batches of whatever has arrived (up to ``BATCH_MAX``): it detects per item,
does the Redis work of the batch in a few round trips, sends the batch's events and alerts
and waits for all their acknowledgements at once; only then are the batch's records acked,
so their offsets can be committed. A crash re-processes the batch (at-least-once) and the
dedup store answers the same alerts again (idempotent), never new ones. A quiet stream gives
batches of one item: nothing waits for a batch to fill.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import faust
from redis.asyncio import Redis

from kernel.contracts import STREAMS_APP_ID, TOPIC_ALERTS, TOPIC_EVENTS, TOPIC_ITEMS
from streams import metrics
from streams.consumer_offsets import CHECK_INTERVAL_S, FaustOffsets, OffsetHealer
from streams.processor import ItemProcessor, Outcome
from streams.transport import PromptApp

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0
#: Most records one batch takes; more wait in the queue for the next batch.
BATCH_MAX = 500


@dataclass(frozen=True, slots=True)
class StreamsConfig:
    """Plain values the stream worker needs, built from settings at the entry point."""

    kafka_bootstrap: str
    redis_url: str
    partitions: int = 4
    session_timeout_s: float = 6.0
    metrics_port: int = 0
    #: Address of the operator endpoints; loopback unless told otherwise (VIGIE_BIND).
    bind: str = "127.0.0.1"
    app_id: str = STREAMS_APP_ID


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def create_app(config: StreamsConfig, processor_factory: Any = None) -> faust.App:
    """A Faust app with the detect agent; ``processor_factory(redis)`` builds its processor."""
    app = PromptApp(
        config.app_id,
        broker=f"kafka://{config.kafka_bootstrap}",
        store="memory://",
        web_enabled=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        topic_partitions=config.partitions,
        broker_session_timeout=config.session_timeout_s,
        broker_heartbeat_interval=max(0.5, config.session_timeout_s / 6),
        broker_commit_interval=1.0,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
    )
    from kernel.ops import install_faust_sensor

    install_faust_sensor(app)
    items = app.topic(TOPIC_ITEMS, key_serializer="raw", value_serializer="raw")
    events = app.topic(TOPIC_EVENTS, key_serializer="raw", value_serializer="raw")
    alerts = app.topic(TOPIC_ALERTS, key_serializer="raw", value_serializer="raw")
    state: dict[str, Any] = {"ready": False}

    async def send_all(outcomes: Sequence[Outcome]) -> None:
        """Send a batch's events and alerts, item by item, then wait for every acknowledgement."""
        pending = []
        for outcome in outcomes:
            for event in outcome.events:
                key, value = event.id.encode(), _encode(event.to_dict())
                pending.append(await events.send(key=key, value=value))
            for alert in outcome.alerts:
                key, value = alert.id.encode(), _encode(alert.to_dict())
                pending.append(await alerts.send(key=key, value=value))
        if pending:
            await asyncio.gather(*pending)

    async def read_into(stream: Any, queue: asyncio.Queue[tuple[Any, Any]]) -> None:
        async for raw in stream:
            await queue.put((raw, stream.current_event))

    async def handle_batches(
        stream: Any, queue: asyncio.Queue[tuple[Any, Any]], processor: ItemProcessor
    ) -> None:
        while True:
            batch = await take_ready(queue, BATCH_MAX)
            metrics.BATCH_SIZE.observe(len(batch))
            detected = [processor.detect(raw) for raw, _event in batch]
            outcomes = await settle_safely(processor, detected)
            await send_all(outcomes)
            await with_retries(processor.record, outcomes)
            # Acknowledged sends: only now may the batch's offsets be committed.
            for _raw, event in batch:
                await stream.ack(event)

    @app.agent(items, name="detect")
    async def detect_agent(stream: Any) -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(config.redis_url)
        processor = (processor_factory or default_processor)(client)
        queue: asyncio.Queue[tuple[Any, Any]] = asyncio.Queue(2 * BATCH_MAX)
        stream.enable_acks = False  # records are acked by ``handle_batches``
        tasks = {
            asyncio.create_task(read_into(stream, queue)),
            asyncio.create_task(handle_batches(stream, queue, processor)),
        }
        try:
            done, _running = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # the agent fails with whatever stopped either task
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await client.aclose()

    @app.task
    async def operator_endpoints() -> None:
        from kernel.ops import serve_ops

        state["ready"] = True
        async with serve_ops(
            config.metrics_port,
            process="streams",
            ready=lambda: state["ready"],
            host=config.bind,
        ):
            await asyncio.Event().wait()

    healer = OffsetHealer(FaustOffsets(app), config.app_id)

    @app.timer(interval=CHECK_INTERVAL_S)
    async def heal_offsets() -> None:
        # A committed offset beyond the log end (a broker that lost its log) is rewound.
        await healer.check_safely()

    app.conf.vigie_detect_agent = detect_agent  # keeps a handle for tests and introspection
    return app


async def take_ready(queue: asyncio.Queue[T], most: int) -> list[T]:
    """Wait for one entry of ``queue``, then take it with those already there, up to ``most``."""
    batch = [await queue.get()]
    while len(batch) < most and not queue.empty():
        batch.append(queue.get_nowait())
    return batch


async def settle_safely(processor: ItemProcessor, detected: list[Outcome]) -> list[Outcome]:
    """``processor.settle`` of a batch, waiting out Redis outages; one failing item is skipped.

    An error other than an outage (a dedup conflict that did not settle, a bug) would stop the
    stream on every redelivery: the batch is settled again item by item (settling is
    idempotent) and only the item that fails is logged, counted and skipped."""
    try:
        return await with_retries(processor.settle, detected)
    except Exception:
        if len(detected) == 1:
            log.exception("could not settle item %s; skipped", _item_id(detected[0]))
            metrics.ITEMS_REJECTED.labels("processing_error").inc()
            return [replace(detected[0], events=[], verdict="processing_error")]
        log.exception(
            "could not settle a batch of %d items; settling them one by one", len(detected)
        )
    settled = []
    for one in detected:
        settled += await settle_safely(processor, [one])
    return settled


def _item_id(outcome: Outcome) -> str:
    return outcome.item.id if outcome.item is not None else "?"


async def with_retries(step: Callable[[T], Awaitable[R]], value: T) -> R:
    """Run ``step(value)``, waiting out Redis outages: the item is held, never skipped."""
    import redis

    delay = RETRY_FIRST_S
    while True:
        try:
            return await step(value)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            log.warning("Redis unavailable (%s); retrying the same item in %.1fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)


def default_processor(redis: Redis, policy: Any = None) -> ItemProcessor:
    """The production processor: the rule detector and the Redis dedup store."""
    from streams.dedup import DedupPolicy
    from streams.detectors import detect
    from streams.store import RedisDedupStore

    return ItemProcessor(RedisDedupStore(redis, policy or DedupPolicy()), detect, redis)


def run_worker(config: StreamsConfig, policy: Any = None, loglevel: str = "info") -> None:
    """Run one stream worker in this process until it is stopped (SIGTERM / Ctrl-C)."""
    app = create_app(config, functools.partial(default_processor, policy=policy))
    worker = faust.Worker(app, loglevel=loglevel, quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
