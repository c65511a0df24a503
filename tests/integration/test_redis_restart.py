"""A Redis killed with SIGKILL comes back from its AOF even when replaying it takes a while
(it answers PING with LOADING meanwhile): the restart waits instead of giving up."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from vigie.embedded.redis import RedisServer

pytestmark = pytest.mark.integration

KEYS = 300_000


def test_killed_redis_restarts_from_a_large_aof(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        client = redis.Redis.from_url(server.url)
        pipe = client.pipeline(transaction=False)
        for number in range(KEYS):
            pipe.set(f"vigie:v1:test:{number}", "x" * 20)
            if number % 10_000 == 9_999:
                pipe.execute()
        pipe.execute()
        client.close()
        assert server.process is not None
        server.process.kill()
        server.process.wait(10)

        server.start()

        client = redis.Redis.from_url(server.url)
        assert client.dbsize() == KEYS
        client.close()
    finally:
        server.stop()
