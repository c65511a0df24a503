"""Fixtures shared by every test: the real broker and Redis, started once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernel.contracts import ALL_TOPICS
from vigie.embedded.broker import TansuBroker, create_topics
from vigie.embedded.redis import RedisServer

os.environ.setdefault("VIGIE_ALLOW_PRIVATE_TARGETS", "1")


class BrokerFactory:
    """Starts fresh Tansu brokers (milliseconds each) and stops them all at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.brokers: list[TansuBroker] = []

    def start(self, partitions: int = 4, topics: tuple[str, ...] = ALL_TOPICS) -> TansuBroker:
        """A new broker with the Vigie topics created."""
        broker = TansuBroker(log_file=self.root / f"tansu-{len(self.brokers)}.log")
        broker.start()
        self.brokers.append(broker)
        create_topics(broker.bootstrap, topics, partitions)
        return broker

    def stop_all(self) -> None:
        for broker in self.brokers:
            broker.stop()


@pytest.fixture(scope="session")
def broker_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerFactory]:
    """Session fixture owning every Tansu broker the tests start."""
    factory = BrokerFactory(tmp_path_factory.mktemp("brokers"))
    yield factory
    factory.stop_all()


@pytest.fixture(scope="session")
def session_broker(broker_factory: BrokerFactory) -> TansuBroker:
    """One broker for the whole session, with the Vigie topics."""
    return broker_factory.start()


@pytest.fixture
def kafka_bootstrap(broker_factory: BrokerFactory) -> str:
    """A fresh broker for this test (topics and groups isolated), with the Vigie topics."""
    return broker_factory.start().bootstrap


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | RedisServer]:
    """``REDIS_URL`` when set, else a Redis-protocol server started for the session."""
    external = os.environ.get("VIGIE_TEST_REDIS_URL")
    if external:
        yield external
        return
    server = RedisServer(tmp_path_factory.mktemp("redis"), persist=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: str | RedisServer) -> str:
    """URL of a Redis that is empty at the start of the test (only a server we started is flushed)."""
    if isinstance(redis_server, str):
        return redis_server
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url
