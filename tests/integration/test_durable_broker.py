"""The durable broker: Tansu on a SeaweedFS S3 store keeps topics, records and committed
offsets through a ``kill -9`` of the broker and of its store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.structs import OffsetAndMetadata

from vigie.embedded.broker import TansuBroker, create_topics
from vigie.embedded.storage import S3_ENGINE, SeaweedStore

pytestmark = pytest.mark.integration

TOPIC = "durable.check"
GROUP = "durable-check"


@pytest.fixture
def durable_pair(tmp_path: Path) -> Iterator[tuple[SeaweedStore, TansuBroker]]:
    """A SeaweedFS store and a Tansu broker keeping its log there, stopped at the end."""
    store = SeaweedStore(tmp_path / "store", log_file=tmp_path / "store.log")
    store.start()
    broker = TansuBroker(
        log_file=tmp_path / "tansu.log", storage_engine=S3_ENGINE, storage_env=store.broker_env()
    )
    try:
        broker.start()
        yield store, broker
    finally:
        broker.stop()
        store.stop()


def _read_all(bootstrap: str, partitions: int) -> list[bytes]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=3000)
    consumer.assign([TopicPartition(TOPIC, p) for p in range(partitions)])
    consumer.seek_to_beginning()
    values = [message.value for message in consumer]
    consumer.close()
    return values


def _committed(bootstrap: str, partitions: int) -> dict[int, int | None]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=GROUP, enable_auto_commit=False)
    offsets = {p: consumer.committed(TopicPartition(TOPIC, p)) for p in range(partitions)}
    consumer.close()
    return offsets


def test_kill_9_of_broker_and_store_keeps_topics_records_and_offsets(
    durable_pair: tuple[SeaweedStore, TansuBroker],
) -> None:
    store, broker = durable_pair
    create_topics(broker.bootstrap, [TOPIC], partitions=2)
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    sent = [f"record-{number}".encode() for number in range(40)]
    for number, value in enumerate(sent):
        producer.send(TOPIC, value=value, partition=number % 2)
    producer.flush(30)
    producer.close()
    committer = KafkaConsumer(
        bootstrap_servers=broker.bootstrap, group_id=GROUP, enable_auto_commit=False
    )
    committer.commit(
        {
            TopicPartition(TOPIC, 0): OffsetAndMetadata(7, "", -1),
            TopicPartition(TOPIC, 1): OffsetAndMetadata(12, "", -1),
        }
    )
    committer.close()

    broker.kill()
    store.kill()
    assert not broker.alive() and not store.alive()
    store.start()
    broker.start()

    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    assert TOPIC in admin.list_topics()
    admin.close()
    assert sorted(_read_all(broker.bootstrap, 2)) == sorted(sent)
    assert _committed(broker.bootstrap, 2) == {0: 7, 1: 12}
