"""The durable broker: Tansu on a SeaweedFS S3 store keeps topics, records and committed
offsets through a ``kill -9`` of the broker and of its store, and `vigie up` stopped and
started on the same data directory keeps unconsumed items and offsets."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.structs import OffsetAndMetadata

from kernel.contracts import TOPIC_ITEMS
from kernel.ops import ConsumerLagProbe
from tests.integration import test_end_to_end
from tests.integration.stack import WebhookSink, start_stack, vigie_env, wait_until
from vigie.embedded.broker import TansuBroker, create_topics
from vigie.embedded.storage import S3_ENGINE, SeaweedStore

pytestmark = pytest.mark.integration

#: The signed-webhook receiver of the end-to-end test.
receiver = test_end_to_end.receiver
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


def _casualty_line(number: int, city: str) -> str:
    return json.dumps(
        {
            "id": f"restart-{number}",
            "title": f"At least {20 + number} killed in bombing in {city}",
            "summary": f"A car bomb killed at least {20 + number} people in {city} on Monday.",
            "lang": "en",
        }
    )


def test_vigie_up_stopped_and_started_keeps_unconsumed_items_and_offsets(
    tmp_path: Path, receiver: WebhookSink
) -> None:
    data = tmp_path / "data"
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(receiver.subscriptions_yaml("restart"), encoding="utf-8")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    env = vigie_env(data, VIGIE_SUBSCRIPTIONS_FILE=str(subscriptions))
    first = tmp_path / "first.jsonl"
    first.write_text(
        "\n".join(_casualty_line(n, city) for n, city in enumerate(("Lagos", "Karachi"))),
        encoding="utf-8",
    )

    stack = start_stack(data, "--feeds", str(feeds), "--no-console", env=env)
    try:
        stack.state()
        subprocess.run([sys.executable, "-m", "vigie", "replay", str(first)], env=env, check=True)
        wait_until(lambda: len(receiver.alerts()) >= 2, 90, interval=0.5)
    finally:
        code, _, err = stack.stop()
    assert code == 0, err[-3000:]

    # While the stack is down, items reach its log: nothing consumes them yet.
    store = SeaweedStore(data / "broker", log_file=tmp_path / "store.log")
    store.start()
    broker = TansuBroker(
        log_file=tmp_path / "tansu.log", storage_engine=S3_ENGINE, storage_env=store.broker_env()
    )
    try:
        broker.start()
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        for number, city in enumerate(("Nairobi", "Lima"), start=2):
            producer.send(TOPIC_ITEMS, key=f"restart-{number}".encode(), value=_item(number, city))
        producer.flush(30)
        producer.close()
    finally:
        broker.stop()
        store.stop()

    stack = start_stack(data, "--feeds", str(feeds), "--no-console", env=env)
    try:
        wait_until(lambda: len(receiver.alerts()) >= 4, 90, interval=0.5)
        time.sleep(8)  # room for a re-sent alert to show up, were there one
        alerts = receiver.alerts()
    finally:
        code, _, err = stack.stop()
    assert code == 0, err[-3000:]
    places = sorted(alert["event"]["place"]["canonical"] for alert in alerts)
    assert places == ["Karachi", "Lagos", "Lima", "Nairobi"]


def _item(number: int, city: str) -> bytes:
    from ingest.jsonl import item_from_object
    from ingest.publisher import encode_item

    return encode_item(item_from_object(json.loads(_casualty_line(number, city)), "restart"))


def test_lag_reads_true_end_offsets_on_the_durable_broker(
    durable_pair: tuple[SeaweedStore, TansuBroker],
) -> None:
    _, broker = durable_pair
    create_topics(broker.bootstrap, [TOPIC], partitions=2)
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=20)
    for number in range(300):
        producer.send(TOPIC, value=b"{}", partition=number % 2)
    producer.flush(30)
    producer.close()
    committer = KafkaConsumer(
        bootstrap_servers=broker.bootstrap, group_id=GROUP, enable_auto_commit=False
    )
    committer.commit({TopicPartition(TOPIC, 0): OffsetAndMetadata(100, "", -1)})
    committer.close()

    probe = ConsumerLagProbe(broker.bootstrap, [(GROUP, TOPIC)])
    try:
        lags = {lag.partition: lag for lag in probe.measure()}
    finally:
        probe.close()
    # Tansu's "latest offset" answer on this engine is far below 150 for batched writes.
    assert {p: lag.end_offset for p, lag in lags.items()} == {0: 150, 1: 150}
    assert {p: lag.lag for p, lag in lags.items()} == {0: 50, 1: 150}
