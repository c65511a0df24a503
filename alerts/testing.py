"""Test and bench support: sample alerts and a local HTTP receiver that records what it gets."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from alerts.policy import DeliveryPolicy
from kernel.contracts import TOPIC_ALERTS
from kernel.vocabulary import EventKind, EventStatus
from streams.events import Alert, AlertSource, Casualties, DetectedEvent, Place

#: Tiny delays so tests exercise retries without waiting for them.
FAST_POLICY = DeliveryPolicy(
    attempts=3,
    backoff_s=0.01,
    backoff_max_s=0.05,
    timeout_s=2.0,
    digest_threshold=1000,
    commit_interval_s=0.2,
    flush_interval_s=0.1,
)


def sample_alert(
    alert_id: str = "alert-1",
    *,
    revision: int = 0,
    kind: str = "city_capture",
    place: str = "Mosul",
    country: str = "IQ",
    killed: int | None = None,
    status: str = "reported",
    sources: tuple[tuple[str, str], ...] = (("AFP", "fr"), ("Reuters", "en")),
    headline_en: str | None = None,
    headline_fr: str | None = None,
    evidence: str = "Government forces took control of Mosul on Sunday.",
    updated_at: datetime | None = None,
) -> Alert:
    """An alert with sensible defaults, every field overridable."""
    now = datetime.now(UTC)
    event = DetectedEvent(
        id=f"event-{alert_id}",
        kind=EventKind(kind),
        item_id=f"item-{alert_id}",
        lang=sources[0][1] if sources else "en",
        evidence=evidence,
        place=Place(name=place, geoname_id=99072, canonical=place, country=country),
        casualties=Casualties(killed=killed) if killed is not None else None,
        status=EventStatus(status),
    )
    return Alert(
        id=alert_id,
        revision=revision,
        event=event,
        sources=tuple(
            AlertSource(
                item_id=f"item-{alert_id}-{index}",
                source=name,
                lang=lang,
                url=f"https://news.example.org/{alert_id}/{index}",
                seen_at=now,
            )
            for index, (name, lang) in enumerate(sources)
        ),
        first_seen=now,
        headline={
            "en": headline_en or f"{place} captured",
            "fr": headline_fr or f"Prise de {place}",
        },
        updated_at=updated_at or now,
    )


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Reply:
    """A scripted answer: status, headers, and how long to wait before answering."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    body: str = "ok"
    #: When set, the answer waits until the test opens this gate.
    gate: asyncio.Event | None = None


class LocalReceiver:
    """An aiohttp server on 127.0.0.1 that records POSTs and answers from per-path scripts."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()

    def url(self, path: str = "/hook", scheme: str = "webhook+http") -> str:
        """The channel URL of ``path`` on this receiver."""
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next requests to ``path`` with ``replies``, then 200."""
        self.scripts[path].extend(replies)

    def on(self, path: str) -> list[Received]:
        """Requests received on ``path``; successful ones only when scripted failures preceded."""
        return [request for request in self.requests if request.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(Received(request.path, dict(request.headers), body, time.time()))
        async with self._changed:
            self._changed.notify_all()
        script = self.scripts.get(request.path)
        reply = script.popleft() if script else Reply()
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.gate is not None:
            await reply.gate.wait()
        return web.Response(status=reply.status, headers=reply.headers, text=reply.body)

    async def wait_for(
        self, count: int, path: str | None = None, timeout: float = 20.0
    ) -> list[Received]:
        """Wait until at least ``count`` requests arrived (on ``path`` if given)."""

        def matching() -> list[Received]:
            return self.requests if path is None else self.on(path)

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(matching()) >= count)
        return matching()

    async def start(self, port: int = 0) -> LocalReceiver:
        """Listen on 127.0.0.1 (``port`` 0: any free port)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else port
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def produce_alerts(bootstrap: str, *alerts: Alert) -> None:
    """Publish alerts to ``vigie.alerts`` keyed by alert id, as the stream workers do."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for alert in alerts:
            await producer.send_and_wait(
                TOPIC_ALERTS, json.dumps(alert.to_dict()).encode(), key=alert.id.encode()
            )
    finally:
        await producer.stop()


class WorkerHarness:
    """An in-process alert worker task with its stdout captured as JSON lines."""

    def __init__(self, bootstrap: str, redis_url: str, **options: Any) -> None:
        import io

        from alerts.worker import run_alert_worker

        self.stdout = io.StringIO()
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        options.setdefault("policy", FAST_POLICY)
        options.setdefault("allow_private_targets", True)
        options.setdefault("session_timeout_s", 2.0)
        self.task = asyncio.create_task(
            run_alert_worker(
                bootstrap,
                redis_url,
                stop=self.stop,
                ready=self.ready,
                stdout=self.stdout,
                **options,
            )
        )

    def lines(self) -> list[dict[str, Any]]:
        """Console lines printed so far."""
        return [json.loads(line) for line in self.stdout.getvalue().splitlines()]

    async def wait_lines(self, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait for ``count`` console lines (raising the worker's error if it died)."""
        async with asyncio.timeout(timeout):
            while len(self.lines()) < count:
                if self.task.done():
                    self.task.result()
                await asyncio.sleep(0.02)
        return self.lines()

    async def close(self) -> None:
        """Stop the worker and wait for its shutdown."""
        self.stop.set()
        await asyncio.wait_for(self.task, 30)


async def read_topic(
    bootstrap: str,
    topic: str,
    count: int,
    timeout: float = 20.0,
    until: Callable[[list[dict[str, Any]]], bool] | None = None,
) -> list[dict[str, Any]]:
    """JSON records of ``topic`` from the start: ``count`` of them, or as many as ``until`` needs."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    records: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(timeout):
            while not (until(records) if until else len(records) >= count):
                batches = await consumer.getmany(timeout_ms=200)
                records += [json.loads(r.value) for rs in batches.values() for r in rs]
    finally:
        await consumer.stop()
    return records
