"""The history API on the real Redis: a report that only confirms an event (no new revision,
so nothing on ``vigie.alerts``) still shows among the alert's sources."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from alerts.api import create_api
from alerts.history.store import HistoryStore
from streams.app import default_processor
from tests.integration.test_processor import CAPTURE_EN, CAPTURE_FR

pytestmark = pytest.mark.integration
TOKEN = "history-sources-token-0123456789"


async def test_sources_that_joined_without_a_revision_are_listed(
    redis_url: str, tmp_path: Path
) -> None:
    client = aioredis.from_url(redis_url)
    processor = default_processor(client)
    alerts = (await processor.process(json.dumps(CAPTURE_FR.to_dict()))).alerts
    assert [alert.revision for alert in alerts] == [0]
    # The English wire joins the event: a source more, no new revision, nothing published.
    assert (await processor.process(json.dumps(CAPTURE_EN.to_dict()))).alerts == []
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    store.write_many(alerts)
    app = create_api(redis_url, TOKEN, redis=client, history=store)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://vigie", headers=headers
    ) as api:
        detail = (await api.get(f"/alerts/{alerts[0].id}")).json()
        listed = (await api.get("/alerts")).json()["alerts"]
    assert [(s["lang"], s["revision"]) for s in detail["sources"]] == [("fr", 0), ("en", None)]
    assert [s["item_id"] for s in listed[0]["sources"]] == ["fr-1", "en-1"]
    store.close()
    await client.aclose()
