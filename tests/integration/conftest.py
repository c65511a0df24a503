"""Fixtures shared by the integration tests beside the session broker and Redis (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from alerts.testing import LocalReceiver
from ingest.publisher import ItemPublisher


@pytest.fixture
async def receiver() -> AsyncIterator[LocalReceiver]:
    """A local webhook receiver on a free port, stopped after the test."""
    server = await LocalReceiver().start()
    yield server
    await server.stop()


@pytest.fixture
async def poller_parts(
    kafka_bootstrap: str, redis_url: str
) -> AsyncIterator[tuple[aioredis.Redis, ItemPublisher]]:
    """A Redis client and an item publisher on the session broker, as a poller needs them."""
    client = aioredis.from_url(redis_url)
    publisher = ItemPublisher(kafka_bootstrap)
    yield client, publisher
    publisher.close()
    await client.aclose()
