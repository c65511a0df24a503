"""Publish ``WireItem``s to ``vigie.items`` with kafka-python, keyed by item id, ``acks=all``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from ingest.items import WireItem
from kernel.contracts import TOPIC_ITEMS


def encode_item(item: WireItem) -> bytes:
    """The JSON bytes of an item as written on the topic."""
    return json.dumps(item.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class ItemPublisher:
    """A kafka-python producer for wire items; ``publish`` returns once the broker acknowledged."""

    def __init__(
        self, bootstrap: str, topic: str = TOPIC_ITEMS, client_id: str = "vigie-ingest"
    ) -> None:
        from kafka import KafkaProducer

        self.topic = topic
        self._producer: Any = KafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            acks="all",
            linger_ms=5,
            retries=5,
            max_in_flight_requests_per_connection=1,
            request_timeout_ms=15000,
        )

    def publish_sync(self, items: Iterable[WireItem], timeout: float = 30.0) -> int:
        """Send items and wait for every acknowledgement; raise when one failed."""
        futures = [
            self._producer.send(self.topic, key=item.id.encode("utf-8"), value=encode_item(item))
            for item in items
        ]
        self._producer.flush(timeout)
        for future in futures:
            future.get(timeout)
        return len(futures)

    def send_raw(self, key: bytes, value: bytes) -> Any:
        """Queue one already-encoded record; the caller flushes."""
        return self._producer.send(self.topic, key=key, value=value)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every queued record is acknowledged."""
        self._producer.flush(timeout)

    async def publish(self, items: list[WireItem], timeout: float = 30.0) -> int:
        """Send items and return once the broker acknowledged every one; raise when one failed.

        The records are queued from a worker thread (a first send may wait for metadata) and
        the acknowledgements arrive as callbacks: many polls publish at once, and no thread
        sits in ``flush`` waiting for other polls' records.
        """
        if not items:
            return 0
        loop = asyncio.get_running_loop()
        futures = await asyncio.to_thread(self._send_all, items)
        acks = []
        for future in futures:
            ack: asyncio.Future[None] = loop.create_future()
            future.add_callback(_settle, loop, ack)
            future.add_errback(_settle_error, loop, ack)
            acks.append(ack)
        async with asyncio.timeout(timeout):
            await asyncio.gather(*acks)
        return len(acks)

    def _send_all(self, items: list[WireItem]) -> list[Any]:
        return [
            self._producer.send(self.topic, key=item.id.encode("utf-8"), value=encode_item(item))
            for item in items
        ]

    def close(self) -> None:
        """Flush and close the producer."""
        self._producer.close(timeout=10)


def _settle(loop: asyncio.AbstractEventLoop, ack: asyncio.Future[None], _metadata: Any) -> None:
    loop.call_soon_threadsafe(_resolve, ack, None)


def _settle_error(
    loop: asyncio.AbstractEventLoop, ack: asyncio.Future[None], error: BaseException
) -> None:
    loop.call_soon_threadsafe(_resolve, ack, error)


def _resolve(ack: asyncio.Future[None], error: BaseException | None) -> None:
    if ack.done():
        return
    if error is None:
        ack.set_result(None)
    else:
        ack.set_exception(error)
