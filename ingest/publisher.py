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

    async def publish(self, items: list[WireItem]) -> int:
        """``publish_sync`` off the event loop."""
        if not items:
            return 0
        return await asyncio.to_thread(self.publish_sync, items)

    def close(self) -> None:
        """Flush and close the producer."""
        self._producer.close(timeout=10)
