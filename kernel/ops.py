"""The operator plumbing every long-running process shares.

- ``serve_ops``: ``/metrics``, ``/healthz`` and ``/readyz`` on a port of their own.
- ``install_faust_sensor``: Faust's Prometheus monitor, writing to the default registry.
- ``CachedLabels``: a labelled metric whose children are looked up once per label set.
- ``ConsumerLagReporter`` / ``lag_reporter``: ``vigie_consumer_lag{group,topic,partition}``,
  the end offset of a partition minus the offset its consumer group committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, generate_latest

from kernel.contracts import ALERTS_GROUP_ID, STREAMS_APP_ID, TOPIC_ALERTS, TOPIC_ITEMS

log = logging.getLogger(__name__)

#: The consumer groups whose lag operators watch, with the topic each consumes.
LAG_GROUPS: tuple[tuple[str, str], ...] = (
    (STREAMS_APP_ID, TOPIC_ITEMS),
    (ALERTS_GROUP_ID, TOPIC_ALERTS),
)
DEFAULT_LAG_INTERVAL_S = 5.0

CONSUMER_LAG = Gauge(
    "vigie_consumer_lag",
    "Records of a partition not yet committed by a consumer group (end offset minus committed)",
    ["group", "topic", "partition"],
)
TOPIC_END_OFFSET = Gauge(
    "vigie_topic_end_offset",
    "Offset the next record written to a partition will get (records written so far)",
    ["topic", "partition"],
)
LAG_PROBE_ERRORS = Counter(
    "vigie_consumer_lag_probe_errors_total", "Failed attempts to read consumer lag from Kafka"
)
LAG_MEASURED_AT = Gauge(
    "vigie_consumer_lag_measured_timestamp_seconds", "Unix time of the last consumer-lag reading"
)


# --- /metrics, /healthz, /readyz ----------------------------------------------------------


def metrics_payload() -> tuple[bytes, str]:
    """The default registry in the Prometheus text format, with its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def health_payload(process: str) -> dict[str, Any]:
    """The body of ``/healthz``: the process answers, so it is alive."""
    return {"status": "ok", "process": process}


def ready_payload(process: str, ready: bool) -> tuple[dict[str, Any], int]:
    """The body and HTTP status of ``/readyz``."""
    return {"ready": ready, "process": process}, 200 if ready else 503


def _ops_app(ready: Callable[[], bool], process: str) -> web.Application:
    async def metrics(_: web.Request) -> web.Response:
        # Off the loop: with thousands of feeds the text takes long enough to delay polls.
        body, content_type = await asyncio.to_thread(metrics_payload)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response(health_payload(process))

    async def readyz(_: web.Request) -> web.Response:
        body, status = ready_payload(process, ready())
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


@asynccontextmanager
async def serve_ops(
    port: int,
    *,
    process: str,
    ready: Callable[[], bool] = lambda: True,
    host: str = "127.0.0.1",
) -> AsyncIterator[int]:
    """Serve the operator endpoints on ``host:port`` (0: any free port); yield the bound port.

    Loopback unless told otherwise: containers pass ``VIGIE_BIND=0.0.0.0`` for their scrapers.
    """
    runner = web.AppRunner(_ops_app(ready, process), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    log.info("%s serves /metrics, /healthz, /readyz on %s:%s", process, host, bound)
    try:
        yield bound
    finally:
        await runner.cleanup()


# --- Faust's Prometheus sensor ------------------------------------------------------------

# Faust's metrics register in the default registry once per process; a second app in the
# same process (tests, a restarted worker) reuses them instead of failing on duplicates.
_faust_metrics: dict[str, Any] = {}


class CachedLabels:
    """A labelled Prometheus metric whose ``labels(...)`` children are looked up once.

    ``labels`` validates and locks on every call, which costs more than the increment on a
    path taken for every record; the label sets met on such paths are few (topics,
    partitions, languages, kinds). Everything else is the wrapped metric's."""

    def __init__(self, metric: Any) -> None:
        self._metric = metric
        self._children: dict[tuple[Any, ...], Any] = {}

    def labels(self, *values: Any, **named: Any) -> Any:
        """The child of ``values`` / ``named``, as the wrapped metric's ``labels`` gives it."""
        key = (values, tuple(named.items()))
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._metric.labels(*values, **named)
        return child

    def __getattr__(self, name: str) -> Any:
        return getattr(self._metric, name)


def install_faust_sensor(app: Any, prefix: str = "vigie_faust") -> None:
    """Attach Faust's Prometheus monitor to ``app``; its metrics land in the default registry."""
    # Faust's own ``setup_prometheus_sensors`` also mounts a page on Faust's web server, which
    # the stream worker does not run: ``serve_ops`` serves the same registry instead.
    from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor

    metrics = _faust_metrics.get(prefix)
    if metrics is None:
        created = FaustMetrics.create(REGISTRY, prefix)
        # The monitor labels several metrics for every record in and out: cache the children.
        cached: dict[str, Any] = {
            name: CachedLabels(metric)
            for name, metric in created._asdict().items()
            if getattr(metric, "_labelnames", ())
        }
        metrics = _faust_metrics[prefix] = created._replace(**cached)
    app.monitor = PrometheusMonitor(metrics=metrics)


# --- consumer lag -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartitionLag:
    """How far one consumer group is behind on one partition."""

    group: str
    topic: str
    partition: int
    end_offset: int
    committed: int | None
    lag: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form."""
        return {
            "group": self.group,
            "topic": self.topic,
            "partition": self.partition,
            "end_offset": self.end_offset,
            "committed": self.committed,
            "lag": self.lag,
        }


def partition_lag(
    group: str, topic: str, partition: int, end: int, start: int, committed: int | None
) -> PartitionLag:
    """The lag of one partition; a group that never committed reads from ``start``."""
    position = committed if committed is not None and committed >= 0 else None
    # Tansu's in-memory log can report an end offset below a committed one (it counts the
    # last record batch as one record); a negative lag would only confuse the graphs.
    lag = max(0, end - (position if position is not None else start))
    return PartitionLag(group, topic, partition, end, position, lag)


class ConsumerLagProbe:
    """Reads end and committed offsets with one kafka-python admin client; blocking calls."""

    def __init__(
        self,
        bootstrap: str,
        groups_topics: Sequence[tuple[str, str]] = LAG_GROUPS,
        request_timeout_ms: int = 5000,
    ) -> None:
        self.bootstrap = bootstrap
        self.groups_topics = tuple(groups_topics)
        self.request_timeout_ms = request_timeout_ms
        self._admin: Any = None

    def _client(self) -> Any:
        if self._admin is None:
            from kafka import KafkaAdminClient

            self._admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap,
                client_id="vigie-lag-probe",
                request_timeout_ms=self.request_timeout_ms,
                bootstrap_timeout_ms=self.request_timeout_ms,
            )
        return self._admin

    def measure(self) -> list[PartitionLag]:
        """The lag of every partition of every watched (group, topic); raises on broker errors."""
        from kafka import TopicPartition
        from kafka.admin import OffsetSpec

        try:
            admin = self._client()
            topics = sorted({topic for _, topic in self.groups_topics})
            described = {entry["name"]: entry for entry in admin.describe_topics(topics)}
            partitions = {
                topic: [
                    TopicPartition(topic, entry["partition_index"])
                    for entry in described.get(topic, {}).get("partitions") or []
                ]
                for topic in topics
            }
            every = [tp for tps in partitions.values() for tp in tps]
            listed = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in every})
            starts = admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in every})
            listed_ends = {tp: int(listed[tp].offset) for tp in every}
            fetched = self._fetched_ends(listed_ends)
            ends = {tp: max(end, fetched.get(tp, end)) for tp, end in listed_ends.items()}
            found = []
            for group, topic in self.groups_topics:
                tps = partitions[topic]
                # Several groups in one request need OffsetFetch v8+; one at a time works anywhere.
                committed = admin.list_group_offsets({group: tps}).get(group, {})
                for tp in sorted(tps, key=lambda tp: tp.partition):
                    offset = committed.get(tp)
                    found.append(
                        partition_lag(
                            group,
                            topic,
                            tp.partition,
                            ends[tp],
                            starts[tp].offset,
                            offset.offset if offset is not None else None,
                        )
                    )
            return found
        except Exception:
            # A broken connection is not repaired by the client: start afresh next time.
            self.close()
            raise

    def _fetched_ends(self, listed: dict[Any, int]) -> dict[Any, int]:
        """End offsets from the high watermark of a fetch at each listed end.

        Tansu's answer to "latest offset" is unreliable (on its S3 engine every partition
        reported 1 after 1,000 records); the high watermark it returns with a fetch is
        right. A fetch at the listed end returns that watermark on Tansu and on Apache
        Kafka alike (records past it, if any, are dropped unread here).
        """
        from kafka import KafkaConsumer

        # A fresh consumer each time: a watermark kept from an earlier reading would be stale.
        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            client_id="vigie-lag-probe",
            enable_auto_commit=False,
            request_timeout_ms=max(self.request_timeout_ms, 1000),
            # Little data per partition: only the watermark is wanted.
            max_partition_fetch_bytes=64 * 1024,
            fetch_max_wait_ms=50,
        )
        try:
            partitions = list(listed)
            consumer.assign(partitions)
            for tp, offset in listed.items():
                consumer.seek(tp, max(0, offset))
            found: dict[Any, int] = {}
            deadline = time.monotonic() + 2.0
            while len(found) < len(partitions) and time.monotonic() < deadline:
                consumer.poll(timeout_ms=100)
                for tp in partitions:
                    watermark = consumer.highwater(tp)
                    if watermark is not None:
                        found[tp] = int(watermark)
            return found
        finally:
            consumer.close()

    def close(self) -> None:
        """Close the admin client, if open."""
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
            self._admin = None


@dataclass(frozen=True, slots=True)
class LagReading:
    """The last consumer-lag reading: partitions, when, and the error if the last try failed."""

    partitions: tuple[PartitionLag, ...] = ()
    measured_at: float | None = None
    error: str | None = None


class ConsumerLagReporter:
    """Measures consumer lag off the event loop and sets ``vigie_consumer_lag``."""

    def __init__(
        self,
        bootstrap: str,
        groups_topics: Sequence[tuple[str, str]] = LAG_GROUPS,
        interval_s: float = DEFAULT_LAG_INTERVAL_S,
        probe: ConsumerLagProbe | None = None,
    ) -> None:
        self.probe = probe or ConsumerLagProbe(bootstrap, groups_topics)
        self.interval_s = interval_s
        self.reading = LagReading()
        # One thread owns the kafka-python client, so two readings never share it at once.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vigie-lag")
        self._closed = False

    async def measure_once(self) -> LagReading:
        """Take one reading, publish it to the gauge, and keep it as ``reading``."""
        loop = asyncio.get_running_loop()
        try:
            partitions = await loop.run_in_executor(self._executor, self.probe.measure)
        except Exception as exc:
            LAG_PROBE_ERRORS.inc()
            log.warning("cannot read consumer lag from %s: %s", self.probe.bootstrap, exc)
            self.reading = LagReading(
                self.reading.partitions, self.reading.measured_at, f"{type(exc).__name__}: {exc}"
            )
            return self.reading
        now = time.time()
        for entry in partitions:
            CONSUMER_LAG.labels(entry.group, entry.topic, str(entry.partition)).set(entry.lag)
            TOPIC_END_OFFSET.labels(entry.topic, str(entry.partition)).set(entry.end_offset)
        LAG_MEASURED_AT.set(now)
        self.reading = LagReading(tuple(partitions), now, None)
        return self.reading

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Take a reading every ``interval_s`` until ``stop`` is set (or forever)."""
        stop = stop or asyncio.Event()
        try:
            while not stop.is_set():
                await self.measure_once()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            self.close()

    def close(self) -> None:
        """Release the Kafka client and the probe thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._executor.submit(self.probe.close)
        self._executor.shutdown(wait=False)


async def lag_reporter(
    bootstrap: str,
    groups_topics: Sequence[tuple[str, str]] = LAG_GROUPS,
    interval: float = DEFAULT_LAG_INTERVAL_S,
    stop: asyncio.Event | None = None,
) -> None:
    """Keep ``vigie_consumer_lag`` current for ``groups_topics`` until ``stop`` is set."""
    await ConsumerLagReporter(bootstrap, groups_topics, interval).run(stop)
