"""The Faust application of the stream workers: ``vigie.items`` -> detect -> dedup -> alerts.

Every detection goes to ``vigie.events`` (audit and replay); what dedup lets through goes to
``vigie.alerts`` keyed by alert id. An item's sends are acknowledged by the broker (waited
for together, not one after the other) before the agent takes the next item and its offset
can be committed, so a crash re-processes the item (at-least-once) and
the dedup store answers the same alert again (idempotent), never a new one.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import faust
from redis.asyncio import Redis

from kernel.contracts import STREAMS_APP_ID, TOPIC_ALERTS, TOPIC_EVENTS, TOPIC_ITEMS
from streams.consumer_offsets import CHECK_INTERVAL_S, FaustOffsets, OffsetHealer
from streams.events import Alert, DetectedEvent
from streams.processor import ItemProcessor
from streams.transport import PromptApp

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0


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

    async def send_all(outcome_events: list[DetectedEvent], outcome_alerts: list[Alert]) -> None:
        """Send an item's events and alerts, then wait for all their acknowledgements at once."""
        pending = [
            await events.send(key=event.id.encode(), value=_encode(event.to_dict()))
            for event in outcome_events
        ]
        pending += [
            await alerts.send(key=alert.id.encode(), value=_encode(alert.to_dict()))
            for alert in outcome_alerts
        ]
        if pending:
            await asyncio.gather(*pending)

    @app.agent(items, name="detect")
    async def detect_agent(stream: Any) -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(config.redis_url)
        processor = (processor_factory or default_processor)(client)
        try:
            async for raw in stream:
                outcome = await with_retries(processor.process, raw)
                # The item's offset is committed only after this returns: acknowledged sends.
                await send_all(outcome.events, outcome.alerts)
                for alert in outcome.alerts:
                    await with_retries(processor.record_alert, alert)
        finally:
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
