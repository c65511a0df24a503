"""``/api/v1/alerts``: the history over HTTP, behind the API token, as JSON, CSV, JSON lines, GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from alerts.api import create_api
from alerts.history.store import HistoryStore
from alerts.testing import sample_alert
from streams.events import Casualties, Place

TOKEN = "history-test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    start = datetime(2024, 1, 10, tzinfo=UTC)
    alerts = []
    for day, (alert_id, kind, place, country, lat) in enumerate(
        [
            ("khartoum", "city_capture", "Khartoum", "SD", 15.55),
            ("el-fasher", "casualty_report", "El Fasher", "SD", 13.63),
            ("avdiivka", "city_capture", "Avdiivka", "UA", None),
        ]
    ):
        alert = sample_alert(alert_id, kind=kind, place=place, country=country)
        moment = start + timedelta(days=day)
        located = Place(name=place, geoname_id=1000 + day, canonical=place, country=country,
                        lat=lat, lon=32.5 if lat else None)  # fmt: skip
        event = replace(alert.event, place=located)
        if kind == "casualty_report":
            event = replace(event, casualties=Casualties(killed=20))
        alerts.append(replace(alert, event=event, first_seen=moment, updated_at=moment))
    revised = replace(
        alerts[1],
        revision=1,
        reason="toll_up",
        event=replace(alerts[1].event, casualties=Casualties(killed=35)),
    )
    store.write_many([*alerts, revised])
    yield store
    store.close()


@pytest.fixture
def client(store: HistoryStore) -> TestClient:
    return TestClient(create_api("redis://unused", TOKEN, redis=object(), history=store))


def test_the_history_needs_the_token(client: TestClient) -> None:
    assert client.get("/alerts").status_code == 401
    assert client.get("/alerts/khartoum").status_code == 401
    open_api = TestClient(create_api("redis://unused", None, redis=object()))
    assert open_api.get("/alerts", headers=AUTH).status_code == 503


def test_search_pages_with_a_cursor(client: TestClient) -> None:
    first = client.get("/alerts", params={"limit": 2}, headers=AUTH).json()
    assert [alert["id"] for alert in first["alerts"]] == ["avdiivka", "el-fasher"]
    second = client.get(
        "/alerts", params={"limit": 2, "cursor": first["next_cursor"]}, headers=AUTH
    ).json()
    assert [alert["id"] for alert in second["alerts"]] == ["khartoum"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "SD"}, ["el-fasher", "khartoum"]),
        ({"kind": "casualty_report", "min_killed": 30}, ["el-fasher"]),
        ({"since": "2024-01-11", "until": "2024-01-12"}, ["el-fasher"]),
        ({"place": "el fasher"}, ["el-fasher"]),
        ({"q": "Avdiivka"}, ["avdiivka"]),
    ],
)
def test_filters(client: TestClient, params: dict[str, object], expected: list[str]) -> None:
    body = client.get("/alerts", params=params, headers=AUTH).json()
    assert [alert["id"] for alert in body["alerts"]] == expected


@pytest.mark.parametrize(
    "params",
    [{"kind": "riot"}, {"since": "last week"}, {"format": "xml"}, {"cursor": "zz"}, {"limit": 0}],
)
def test_bad_filters_are_refused_with_the_reason(
    client: TestClient, params: dict[str, object]
) -> None:
    response = client.get("/alerts", params=params, headers=AUTH)
    assert response.status_code == 422
    assert next(iter(params)) in response.json()["detail"]


def test_one_alert_with_its_revision_timeline(client: TestClient) -> None:
    body = client.get("/alerts/el-fasher", headers=AUTH).json()
    assert [(r["revision"], r["killed"], r["reason"]) for r in body["revisions"]] == [
        (0, 20, "new"),
        (1, 35, "toll_up"),
    ]
    assert body["killed"] == 35
    assert {source["feed"] for source in body["sources"]} == {"AFP", "Reuters"}
    assert client.get("/alerts/nowhere", headers=AUTH).status_code == 404


def test_exports(client: TestClient) -> None:
    response = client.get("/alerts", params={"format": "csv", "country": "SD"}, headers=AUTH)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["id"], row["place"], row["killed"]) for row in rows] == [
        ("el-fasher", "El Fasher", "35"),
        ("khartoum", "Khartoum", ""),
    ]

    response = client.get("/alerts", headers={**AUTH, "Accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["id"] for line in lines] == ["avdiivka", "el-fasher", "khartoum"]

    geo = client.get("/alerts", params={"format": "geojson"}, headers=AUTH).json()
    assert geo["type"] == "FeatureCollection"
    by_id = {feature["id"]: feature for feature in geo["features"]}
    assert by_id["khartoum"]["geometry"] == {"type": "Point", "coordinates": [32.5, 15.55]}
    assert by_id["avdiivka"]["geometry"] is None
    assert by_id["el-fasher"]["properties"]["killed"] == 35

    # With a limit an export is one page, and the next one is named in a header.
    paged = client.get("/alerts", params={"format": "jsonl", "limit": 1}, headers=AUTH)
    assert len(paged.text.splitlines()) == 1
    assert paged.headers["x-next-cursor"]
