"""Subscription edits, test sends and silences through the API and the alert worker, on real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis.asyncio as aioredis

from alerts.api import create_api
from alerts.channels.registry import ChannelRegistry
from alerts.delivery import Outcome
from alerts.silence_store import RedisSilenceStore
from alerts.testing import FAST_POLICY, LocalReceiver, Reply, sample_alert
from alerts.worker import AlertWorker
from ingest.egress import EgressPolicy
from kernel.stats import STAT_DELIVERIES, STAT_SILENCED, read_buckets

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer t0ken"}
LOCAL = EgressPolicy(allow_private=True)


@pytest.fixture
async def api(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_api(redis_url, "t0ken", egress=LOCAL)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://vigie", headers=AUTH
    ) as client:
        yield client


def in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


async def test_edit_pause_and_test_send(api: httpx.AsyncClient, receiver: LocalReceiver) -> None:
    created = (
        await api.post("/subscriptions", json={"channel": receiver.url("/ops"), "name": "ops"})
    ).json()
    path = f"/subscriptions/{created['id']}"

    edited = await api.patch(path, json={"countries": ["sy"], "lang": "fr", "paused": True})
    assert edited.status_code == 200
    assert edited.json()["countries"] == ["SY"] and edited.json()["paused"] is True
    assert edited.json()["created_at"] == created["created_at"]

    refused = await api.patch(path, json={"countries": ["Syria"], "min_killed": -1})
    assert refused.status_code == 422
    assert {problem.split(":")[0] for problem in refused.json()["errors"]} == {
        "countries",
        "min_killed",
    }
    assert (await api.get(path)).json()["countries"] == ["SY"]
    assert (await api.patch("/subscriptions/sub_none", json={"paused": False})).status_code == 404

    # A paused subscription still takes a test send: it is how one checks the channel first.
    answer = (await api.post(f"{path}/test")).json()
    assert answer["ok"] is True and "Palmyr" in answer["text"]
    sent = await receiver.wait_for(1, "/ops")
    assert sent[0].json()["alert"]["id"] == "vigie-test"

    receiver_down = (await api.patch(path, json={"channel": receiver.url("/missing")})).json()
    receiver.script("/missing", Reply(status=410))
    failed = (await api.post(f"/subscriptions/{receiver_down['id']}/test")).json()
    assert failed["ok"] is False and failed["status"] == 410


async def test_silences_are_created_listed_and_expired(api: httpx.AsyncClient) -> None:
    body = {
        "matchers": [{"name": "country", "value": "SY"}, {"name": "kind", "value": "city_capture"}],
        "ends_at": in_an_hour(),
        "comment": "Palmyra reported all morning",
    }
    created = await api.post("/silences", json=body)
    assert created.status_code == 201 and created.json()["state"] == "active"
    bad = await api.post("/silences", json={**body, "matchers": [{"name": "colour", "value": "x"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0].startswith("matchers.0.name")
    assert bad.json()["detail"].startswith("invalid silence")
    assert [s["id"] for s in (await api.get("/silences")).json()] == [created.json()["id"]]
    expired = await api.delete(f"/silences/{created.json()['id']}")
    assert expired.json()["state"] == "expired"
    assert (await api.get("/silences")).json()[0]["state"] == "expired"
    assert (await api.delete("/silences/sil_none")).status_code == 404


async def test_a_silenced_alert_is_not_delivered_but_recorded(
    redis_url: str, api: httpx.AsyncClient, receiver: LocalReceiver
) -> None:
    await api.post("/subscriptions", json={"channel": receiver.url("/ops")})
    await api.post(
        "/silences",
        json={
            "matchers": [{"name": "country", "value": "SY"}],
            "ends_at": in_an_hour(),
            "comment": "drill",
        },
    )
    redis = aioredis.Redis.from_url(redis_url)
    channels = ChannelRegistry(egress=LOCAL, timeout_s=2)
    worker = AlertWorker(redis, channels, FAST_POLICY)
    try:
        assert await worker.handle(sample_alert("in-syria", place="Raqqa", country="SY")) == []
        assert await worker.handle(sample_alert("in-iraq", country="IQ")) == [Outcome.DELIVERED]
        silence_id = (await api.get("/silences")).json()[0]["id"]
        assert await RedisSilenceStore(redis).silenced_with("in-syria", 0) == silence_id
        assert await RedisSilenceStore(redis).silenced_with("in-iraq", 0) is None
        # The console's outcome chart counts the silenced alert apart from the delivered one.
        _, charted = await read_buckets(redis, [STAT_SILENCED, STAT_DELIVERIES], hours=1)
        assert [sum(counts) for counts in charted.values()] == [1, 1]
    finally:
        await channels.aclose()
        await redis.aclose()
    assert [r.json()["alert"]["id"] for r in receiver.on("/ops")] == ["in-iraq"]


async def test_console_alerts_need_the_token_and_say_what_silenced_them(
    redis_url: str, api: httpx.AsyncClient
) -> None:
    from kernel.stats import RECENT_ALERTS, push_recent
    from vigie.web.app import create_app

    redis = aioredis.Redis.from_url(redis_url)
    alert = sample_alert("in-syria", place="Raqqa", country="SY")
    await push_recent(redis, RECENT_ALERTS, alert.to_dict())
    created = await api.post(
        "/silences",
        json={
            "matchers": [{"name": "place", "value": "Raqqa"}],
            "ends_at": in_an_hour(),
            "comment": "drill",
        },
    )
    silence = (await RedisSilenceStore(redis).all())[0]
    await RedisSilenceStore(redis).record_silenced(alert, silence, datetime.now(UTC))
    app = create_app(redis, token="t0ken")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://vigie"
    ) as web:
        assert (await web.get("/api/alerts")).status_code == 401
        body = (await web.get("/api/alerts", headers=AUTH)).json()
    await redis.aclose()
    [row] = body["alerts"]
    assert (row["id"], row["place"], row["silenced_by"]) == (
        "in-syria",
        "Raqqa",
        created.json()["id"],
    )
    assert row["evidence"] and [s["lang"] for s in row["sources"]] == ["fr", "en"]


async def test_alerts_held_for_a_subscription_paused_since_are_dropped(
    redis_url: str, api: httpx.AsyncClient, receiver: LocalReceiver
) -> None:
    import dataclasses
    import time

    created = (await api.post("/subscriptions", json={"channel": receiver.url("/ops")})).json()
    redis = aioredis.Redis.from_url(redis_url)
    channels = ChannelRegistry(egress=LOCAL, timeout_s=2)
    policy = dataclasses.replace(FAST_POLICY, digest_threshold=1, digest_window_s=60.0)
    worker = AlertWorker(redis, channels, policy)
    try:
        assert await worker.handle(sample_alert("first")) == [Outcome.DELIVERED]
        assert await worker.handle(sample_alert("second")) == [Outcome.HELD]
        await api.patch(f"/subscriptions/{created['id']}", json={"paused": True})
        await asyncio.gather(*await worker.flush_due(now=time.time() + 120))
    finally:
        await channels.aclose()
        await redis.aclose()
    assert [r.json()["alert"]["id"] for r in receiver.on("/ops")] == ["first"]
