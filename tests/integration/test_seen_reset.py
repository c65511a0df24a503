"""After the broker lost its log, ingest forgets what it published so the feeds' items go
out again (the stream workers' dedup keeps that from alerting twice)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis
from kafka.admin import KafkaAdminClient

from ingest.poller import seen_key
from ingest.seen import forget_published
from kernel.contracts import ALL_TOPICS
from kernel.settings import Settings
from kernel.stats import FEEDS_KEY, feed_key
from vigie.embedded.stack import PROCESSES, EmbeddedStack, StackOptions

pytestmark = pytest.mark.integration


def test_forget_published_drops_seen_items_and_feed_validators_only(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for number in range(1500):
        client.set(seen_key(f"item-{number}"), "hash")
    client.sadd(FEEDS_KEY, "afp")
    client.hset(
        feed_key("afp"), mapping={"etag": '"v1"', "last_modified": "yesterday", "name": "afp"}
    )
    client.set("vigie:v1:event:kept", "1")

    assert forget_published(client) == 1500

    assert client.keys(seen_key("*")) == []
    assert client.hgetall(feed_key("afp")) == {b"name": b"afp"}
    assert client.get("vigie:v1:event:kept") == b"1"
    client.close()


def test_stack_restarting_a_memory_broker_forgets_published_items(
    redis_url: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, broker_storage="memory", partitions=2)
    stack = EmbeddedStack(settings, StackOptions(console=False))
    stack.redis_url = redis_url
    stack.ports = {setting: 0 for _, setting in PROCESSES}
    stack._start_broker()
    assert stack.broker is not None and stack.store is None
    client = redis.Redis.from_url(redis_url)
    client.set(seen_key("published-before"), "hash")
    try:
        stack.broker.kill()
        stack.check()
        assert stack.broker.alive()
        admin = KafkaAdminClient(bootstrap_servers=stack.broker.bootstrap)
        assert set(ALL_TOPICS) <= set(admin.list_topics())
        admin.close()
        assert client.get(seen_key("published-before")) is None
        # The state file names the new broker process.
        state = json.loads(settings.state_file.read_text())
        assert state["servers"]["broker"] == stack.broker.process.pid
    finally:
        client.close()
        stack.broker.stop()
