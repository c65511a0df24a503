"""History answers name the silence that stopped an alert, as the alert worker recorded it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alerts.api import create_api
from alerts.history.store import HistoryStore
from alerts.silence_store import silenced_key
from alerts.testing import sample_alert
from streams.events import Casualties

TOKEN = "history-silences-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class SilenceRecords:
    """Just enough of a Redis client: the silenced records the alert worker writes."""

    def __init__(self, records: dict[str, str]) -> None:
        self.records = records

    async def mget(self, keys: list[str]) -> list[bytes | None]:
        return [self.records[key].encode() if key in self.records else None for key in keys]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    first = sample_alert("homs-toll", kind="casualty_report", place="Homs", country="SY")
    first = replace(first, event=replace(first.event, casualties=Casualties(killed=4)))
    second = replace(
        first,
        revision=1,
        reason="toll_up",
        event=replace(first.event, casualties=Casualties(killed=11)),
    )
    store.write_many([first, second, sample_alert("idlib-capture", place="Idlib", country="SY")])
    yield store
    store.close()


def client(store: HistoryStore, redis: Any) -> TestClient:
    return TestClient(create_api("redis://unused", TOKEN, redis=redis, history=store))


def test_a_silenced_revision_is_named_in_the_list_and_the_timeline(store: HistoryStore) -> None:
    redis = SilenceRecords({silenced_key("homs-toll", 1): "drill-homs"})
    api = client(store, redis)

    listed = api.get("/alerts", headers=AUTH).json()["alerts"]
    assert {alert["id"]: alert["silenced_by"] for alert in listed} == {
        "homs-toll": "drill-homs",
        "idlib-capture": None,
    }
    detail = api.get("/alerts/homs-toll", headers=AUTH).json()
    assert detail["silenced_by"] == "drill-homs"
    assert [(r["revision"], r["silenced_by"]) for r in detail["revisions"]] == [
        (0, None),
        (1, "drill-homs"),
    ]


def test_without_redis_nothing_is_silenced_and_the_history_still_answers(
    store: HistoryStore,
) -> None:
    listed = client(store, object()).get("/alerts", headers=AUTH).json()["alerts"]
    assert len(listed) == 2
    assert all("silenced_by" not in alert for alert in listed)
