"""Consumer offsets that heal: a committed offset beyond the log end is noticed and rewound.

A broker that lost its log (Tansu's memory engine restarted, a store wiped), a topic deleted
and recreated, or retention on Apache Kafka can leave a consumer group's committed offset
beyond the end of the log. Apache Kafka answers such a fetch with ``OffsetOutOfRange`` (and
the consumers reset to the earliest offset, ``auto_offset_reset="earliest"``); Tansu answers
it with no records and no error, so the consumer would wait forever for offsets that never
come. Tansu's "latest offset" answers (``ListOffsets``) are unreliable too (every partition
reported 1 after 1,000 records on the S3 engine); the high watermark it returns with every
fetch is right. So the signal is: the consumer's position lies beyond the high watermark of
its own fetches, twice in a row. The consumer then logs it once with the numbers, counts it
in ``vigie_consumer_offset_resets_total`` and resumes from the earliest offset still in the
log; the idempotency keys in Redis keep the records read again from being sent twice. On
Apache Kafka aiokafka resets the position itself; ``KafkaOutOfRangeCounter`` logs and
counts those resets the same way.

``BeyondLogEnd`` is the pure decision; ``OffsetHealer`` runs it against any consumer through
a small adapter (``AIOKafkaOffsets`` for aiokafka, ``FaustOffsets`` for a Faust app).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from prometheus_client import Counter

log = logging.getLogger(__name__)

Partition = TypeVar("Partition")

#: How often a consumer compares its positions with the high watermarks.
CHECK_INTERVAL_S = 2.0
#: Observations in a row before a position counts as beyond the log end (one stale answer
#: must not rewind a healthy consumer).
CONFIRMATIONS = 2

OFFSET_RESETS = Counter(
    "vigie_consumer_offset_resets_total",
    "Partitions whose consumer position lay beyond the log end and was rewound to the earliest "
    "offset still in the log",
    ["group", "topic", "partition"],
)


@dataclass(frozen=True, slots=True)
class Stranded(Generic[Partition]):
    """A partition whose position lies beyond the end of its log."""

    partition: Partition
    position: int
    log_end: int


class BeyondLogEnd(Generic[Partition]):
    """Which partitions have had their position beyond the high watermark ``confirmations``
    times in a row. Pure: fed observations, returns decisions."""

    def __init__(self, confirmations: int = CONFIRMATIONS) -> None:
        self.confirmations = confirmations
        self._seen: dict[Partition, int] = {}

    def observe(
        self, observations: Mapping[Partition, tuple[int | None, int | None]]
    ) -> list[Stranded[Partition]]:
        """``observations``: partition -> (position, high watermark); either may be unknown."""
        stranded = []
        for partition, (position, log_end) in observations.items():
            if position is None or log_end is None or position <= log_end:
                self._seen.pop(partition, None)
                continue
            count = self._seen.get(partition, 0) + 1
            self._seen[partition] = count
            if count >= self.confirmations:
                stranded.append(Stranded(partition, position, log_end))
        for partition in set(self._seen) - set(observations):
            del self._seen[partition]
        return stranded

    def healed(self, partition: Partition) -> None:
        """The partition was rewound: start counting afresh."""
        self._seen.pop(partition, None)


class ConsumerOffsets(Protocol):
    """What the healer needs from a consumer."""

    def assignment(self) -> Iterable[Any]: ...

    def highwater(self, partition: Any) -> int | None: ...

    async def position(self, partition: Any) -> int | None: ...

    async def earliest(self, partitions: list[Any]) -> Mapping[Any, int]: ...

    async def rewind(self, partition: Any, offset: int) -> None: ...


class OffsetHealer:
    """Checks a consumer's partitions and rewinds those stranded beyond the log end."""

    def __init__(self, consumer: ConsumerOffsets, group: str) -> None:
        self.consumer = consumer
        self.group = group
        self.detector: BeyondLogEnd[Any] = BeyondLogEnd()
        count_kafka_resets(group)

    async def check(self) -> list[Stranded[Any]]:
        """One round: observe every assigned partition, rewind the stranded ones."""
        observations: dict[Any, tuple[int | None, int | None]] = {}
        for partition in list(self.consumer.assignment()):
            log_end = self.consumer.highwater(partition)
            if log_end is None:
                continue
            observations[partition] = (await self.consumer.position(partition), log_end)
        stranded = self.detector.observe(observations)
        if not stranded:
            return []
        earliest = await self.consumer.earliest([item.partition for item in stranded])
        for item in stranded:
            start = int(earliest.get(item.partition, 0) or 0)
            topic, number = _topic_partition(item.partition)
            log.warning(
                "group %s: committed offset %d of %s[%d] lies beyond the log end %d "
                "(the broker lost records); resuming from the earliest offset %d",
                self.group,
                item.position,
                topic,
                number,
                item.log_end,
                start,
            )
            OFFSET_RESETS.labels(self.group, topic, str(number)).inc()
            await self.consumer.rewind(item.partition, start)
            self.detector.healed(item.partition)
        return stranded

    async def check_safely(self) -> list[Stranded[Any]]:
        """``check`` that logs and swallows errors: a rebalance or a broker away is no crash."""
        try:
            return await self.check()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.debug("group %s: offset check skipped: %s", self.group, exc)
            return []


@contextlib.asynccontextmanager
async def healing(
    healer: OffsetHealer, interval_s: float = CHECK_INTERVAL_S
) -> AsyncIterator[None]:
    """Run ``healer.check`` every ``interval_s`` seconds while the block runs."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(interval_s)
            await healer.check_safely()

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


#: The logger and message with which aiokafka reports an ``OffsetOutOfRange`` fetch
#: (Apache Kafka's answer to a position beyond the log end) before it resets the position.
AIOKAFKA_FETCHER_LOGGER = "aiokafka.consumer.fetcher"
AIOKAFKA_OUT_OF_RANGE = "is out of range for partition"


class KafkaOutOfRangeCounter(logging.Filter):
    """Counts and explains the resets aiokafka makes itself on ``OffsetOutOfRange``.

    Apache Kafka answers a fetch beyond the log end with an error, and aiokafka then moves
    to the earliest offset (``auto_offset_reset="earliest"``) with an INFO line and nothing
    else to observe; this filter turns that line into the same warning and metric as
    ``OffsetHealer``. It never drops a record.
    """

    def __init__(self, group: str) -> None:
        super().__init__()
        self.group = group

    def filter(self, record: logging.LogRecord) -> bool:
        """Count an out-of-range line; let every record through."""
        args = record.args
        if AIOKAFKA_OUT_OF_RANGE in str(record.msg) and isinstance(args, tuple) and len(args) == 2:
            offset, partition = args
            topic, number = _topic_partition(partition)
            log.warning(
                "group %s: committed offset %s of %s[%d] lies beyond the log end "
                "(the broker answered OffsetOutOfRange); resuming from the earliest offset",
                self.group,
                offset,
                topic,
                number,
            )
            OFFSET_RESETS.labels(self.group, topic, str(number)).inc()
        return True


def count_kafka_resets(group: str) -> KafkaOutOfRangeCounter:
    """Install ``KafkaOutOfRangeCounter`` on aiokafka's fetcher logger (once per group)."""
    logger = logging.getLogger(AIOKAFKA_FETCHER_LOGGER)
    for existing in logger.filters:
        if isinstance(existing, KafkaOutOfRangeCounter) and existing.group == group:
            return existing
    counter = KafkaOutOfRangeCounter(group)
    logger.addFilter(counter)
    # The line is INFO: make sure it reaches the filter whatever the root level says.
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    return counter


def _topic_partition(partition: Any) -> tuple[str, int]:
    return str(getattr(partition, "topic", partition)), int(getattr(partition, "partition", 0))


class AIOKafkaOffsets:
    """``ConsumerOffsets`` of an ``aiokafka.AIOKafkaConsumer``; ``on_rewind`` runs before the seek."""

    def __init__(
        self, consumer: Any, on_rewind: Callable[[Any], Awaitable[None] | None] | None = None
    ) -> None:
        self.consumer = consumer
        self.on_rewind = on_rewind

    def assignment(self) -> Iterable[Any]:
        """Partitions assigned now."""
        return self.consumer.assignment()

    def highwater(self, partition: Any) -> int | None:
        """High watermark of the last fetch of ``partition``."""
        value = self.consumer.highwater(partition)
        return None if value is None else int(value)

    async def position(self, partition: Any) -> int | None:
        """Offset of the next record the consumer will fetch."""
        value = await self.consumer.position(partition)
        return None if value is None else int(value)

    async def earliest(self, partitions: list[Any]) -> Mapping[Any, int]:
        """Earliest offsets still in the log."""
        return dict(await self.consumer.beginning_offsets(partitions))

    async def rewind(self, partition: Any, offset: int) -> None:
        """Drop the caller's bookkeeping of ``partition``, then seek to ``offset``."""
        if self.on_rewind is not None:
            result = self.on_rewind(partition)
            if result is not None:
                await result
        self.consumer.seek(partition, offset)


class FaustOffsets:
    """``ConsumerOffsets`` of a Faust app's consumer, resetting Faust's own bookkeeping too.

    Faust drops records below the offset it last read and ignores acks below the offset it
    last committed; both must forget the stranded position or the rewound records would be
    skipped and never committed.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    @property
    def _consumer(self) -> Any:
        return self.app.consumer

    def assignment(self) -> Iterable[Any]:
        """Partitions assigned now (none before the consumer started)."""
        try:
            return set(self._consumer.assignment())
        except Exception:  # not started or rebalancing: nothing to check this round
            return set()

    def highwater(self, partition: Any) -> int | None:
        """High watermark of the last fetch of ``partition``."""
        value = self._consumer.highwater(partition)
        return None if value is None else int(value)

    async def position(self, partition: Any) -> int | None:
        """Offset of the next record the consumer will fetch."""
        value = await self._consumer.position(partition)
        return None if value is None else int(value)

    async def earliest(self, partitions: list[Any]) -> Mapping[Any, int]:
        """Earliest offsets still in the log."""
        return dict(await self._consumer.earliest_offsets(*partitions))

    async def rewind(self, partition: Any, offset: int) -> None:
        """Forget Faust's read, acked and committed offsets of ``partition``; seek to ``offset``."""
        consumer = self._consumer
        consumer._committed_offset[partition] = None
        consumer._acked.pop(partition, None)
        consumer._acked_index.pop(partition, None)
        consumer._gap.pop(partition, None)
        await consumer.seek(partition, offset)
