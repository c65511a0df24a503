"""The real parts answer: the embedded broker carries records, the Redis server keeps keys."""

from __future__ import annotations

import redis
from kafka import KafkaConsumer, KafkaProducer

from kernel.contracts import TOPIC_ITEMS


def test_broker_round_trip(kafka_bootstrap: str) -> None:
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for number in range(10):
        producer.send(TOPIC_ITEMS, key=str(number).encode(), value=b"item-%d" % number)
    producer.flush()
    producer.close()
    consumer = KafkaConsumer(
        TOPIC_ITEMS,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        consumer_timeout_ms=5000,
    )
    values = sorted(message.value for message in consumer)
    consumer.close()
    assert values == sorted(b"item-%d" % number for number in range(10))


def test_redis_is_fresh_and_works(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    assert client.dbsize() == 0
    assert client.set("vigie:v1:test", "1", nx=True, ex=10)
    assert not client.set("vigie:v1:test", "2", nx=True, ex=10)
    client.close()


def test_spawned_redis_comes_back_with_its_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import signal

    from vigie.embedded.redis import RedisServer

    server = RedisServer(tmp_path / "redis", persist=True)
    server.start()
    try:
        client = redis.Redis.from_url(server.url)
        client.set("vigie:v1:kept", "yes")
        client.close()
        assert server.process is not None
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(5)
        assert not server.alive()
        server.start()  # what the stack does when it finds Redis dead
        client = redis.Redis.from_url(server.url)
        assert client.get("vigie:v1:kept") == b"yes"
        client.close()
    finally:
        server.stop()
