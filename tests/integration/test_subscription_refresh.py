"""The alert worker's cached subscriptions and silences, re-read while alerts of several
partitions are handled at once, on the real Redis."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from alerts.channels.registry import ChannelRegistry
from alerts.subscription_store import RedisSubscriptionStore
from alerts.testing import FAST_POLICY
from alerts.worker import SUBSCRIPTIONS_REFRESH_S, AlertWorker
from ingest.egress import EgressPolicy


async def test_an_alert_handled_during_a_re_read_waits_for_it(redis_url: str) -> None:
    """A bug: the second of two alerts handled at once matched the list being replaced, so a
    subscription made while the worker was idle missed the first alerts after it."""
    redis = aioredis.Redis.from_url(redis_url)
    channels = ChannelRegistry(egress=EgressPolicy(allow_private=True), timeout_s=2)
    worker = AlertWorker(redis, channels, FAST_POLICY)
    store = RedisSubscriptionStore(redis)
    before = {s.id for s in await worker.subscriptions()}
    added = await store.add({"channel": "webhook+https://hooks.example.org/desk", "name": "desk"})
    try:
        await asyncio.sleep(SUBSCRIPTIONS_REFRESH_S + 0.1)
        seen = await asyncio.gather(*(worker.subscriptions() for _ in range(4)))
        assert all({s.id for s in found} == before | {added.id} for found in seen)
    finally:
        await store.remove(added.id)
        await channels.aclose()
        await redis.aclose()
