"""A Redis outage holds the item being processed and retries it; other errors still raise."""

from __future__ import annotations

import pytest
import redis

from streams import app


async def test_redis_outage_is_waited_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "RETRY_FIRST_S", 0.001)
    calls: list[str] = []

    async def flaky(value: str) -> str:
        calls.append(value)
        if len(calls) < 3:
            raise redis.ConnectionError("connection refused")
        return value.upper()

    assert await app.with_retries(flaky, "item") == "ITEM"
    assert calls == ["item", "item", "item"]


async def test_other_errors_are_not_swallowed() -> None:
    async def broken(value: str) -> str:
        raise ValueError(value)

    with pytest.raises(ValueError, match="bad"):
        await app.with_retries(broken, "bad")
