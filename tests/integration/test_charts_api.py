"""The 24-hour charts of ``/api/status`` from counters bumped in a real Redis."""

from __future__ import annotations

import time

import httpx
import pytest
import redis.asyncio as aioredis

from kernel.stats import (
    BUCKET_S,
    CHART_TTL_S,
    STAT_ALERTS,
    STAT_ITEMS,
    STAT_RETRIED,
    bucket_of,
    bump,
    chart_key,
    feed_items_stat,
)
from vigie.web.app import create_app

pytestmark = pytest.mark.integration


async def test_status_charts_count_per_five_minutes_over_a_day(redis_url: str) -> None:
    redis = aioredis.from_url(redis_url)
    now = time.time()
    thirteen_hours_ago = now - 13 * 3600
    try:
        await bump(redis, STAT_ITEMS, 5, now=thirteen_hours_ago)
        await bump(redis, STAT_ITEMS, 2, now=now)
        await bump(redis, STAT_ALERTS, now=now)
        await bump(redis, STAT_RETRIED, now=now)
        await bump(redis, feed_items_stat("wire-en"), 2, now=now)
        await bump(redis, STAT_ITEMS, 9, now=now - 25 * 3600)  # older than the charts show
        transport = httpx.ASGITransport(app=create_app(redis))
        async with httpx.AsyncClient(transport=transport, base_url="http://vigie") as client:
            charts = (await client.get("/api/status")).json()["charts"]
        # Per-feed counters stay per minute only; a charted bucket lives a day and a bit.
        assert await redis.hkeys(chart_key(bucket_of(now))) == [b"items", b"alerts", b"retried"]
        assert 24 * 3600 < await redis.ttl(chart_key(bucket_of(now))) <= CHART_TTL_S
    finally:
        await redis.aclose()
    assert charts["minutes"] == 24 * 60
    assert charts["bucket_s"] == BUCKET_S and charts["buckets"] == 288
    items = charts["pipeline"]["series"]["items"]
    assert items[(bucket_of(now) - charts["start"]) // BUCKET_S] == 2
    assert items[(bucket_of(thirteen_hours_ago) - charts["start"]) // BUCKET_S] == 5
    assert charts["pipeline"]["totals"] == {"items": 7, "detections": 0, "alerts": 1}
    assert charts["outcomes"]["totals"]["retried"] == 1
    assert charts["outcomes"]["totals"]["delivered"] == 0


async def test_a_fresh_stack_charts_its_last_hour_per_minute(redis_url: str) -> None:
    redis = aioredis.from_url(redis_url)
    now = time.time()
    try:
        await bump(redis, STAT_ITEMS, 4, now=now - 20 * 60)
        await bump(redis, STAT_ITEMS, 3, now=now)
        await bump(redis, STAT_RETRIED, now=now)
        transport = httpx.ASGITransport(app=create_app(redis))
        async with httpx.AsyncClient(transport=transport, base_url="http://vigie") as client:
            charts = (await client.get("/api/status")).json()["charts"]
    finally:
        await redis.aclose()
    assert (charts["minutes"], charts["bucket_s"], charts["buckets"]) == (30, 60, 30)
    items = charts["pipeline"]["series"]["items"]
    assert items[-1] == 3 and items[(int(now - 20 * 60) // 60 * 60 - charts["start"]) // 60] == 4
    assert charts["outcomes"]["series"]["retried"][-1] == 1
