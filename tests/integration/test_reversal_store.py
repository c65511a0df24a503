"""A town that changes hands twice on the real Redis: two alerts in every arrival order, the
retake a reversal of the first capture; racing workers and redeliveries change nothing."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from streams.dedup import DedupPolicy
from streams.events import Alert
from streams.store import RedisDedupStore
from tests.unit.streams.palmyra import Report, load, moved

pytestmark = pytest.mark.integration

HEADER, REPORTS = load()
CORE = [report for report in REPORTS if report.set == "core"]
POLICY = DedupPolicy()
#: Each order runs on a town of its own (fresh GeoNames id), so one Redis serves them all.
TOWNS = itertools.count(900_000_000)


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    connection = aioredis.from_url(redis_url)
    yield connection
    await connection.aclose()


async def feed(store: RedisDedupStore, order: list[Report]) -> list[Alert]:
    """Every alert the reports cause, in arrival order, as the stream worker sends them."""
    alerts: list[Alert] = []
    for report in order:
        alerts += await store.observe_all(report.item, report.event)
    return alerts


async def check_two_captures(
    store: RedisDedupStore, alerts: list[Alert], order: list[Report]
) -> dict[str, str]:
    """Two alert ids; the retake reverses the first capture; each holds its own reports."""
    latest: dict[str, Alert] = {}
    for alert in sorted(alerts, key=lambda alert: alert.revision):
        latest[alert.id] = alert
    assert len(latest) == 2, [report.item.id for report in order]
    states = {alert_id: await store.event_state(alert_id) for alert_id in latest}
    labels: dict[str, str] = {}
    for alert_id, state in states.items():
        assert state is not None
        labels["IS" if state.holder == HEADER["alerts"]["IS"]["holder"] else "army"] = alert_id
        told = {source.item_id for source in state.sources}
        label = "IS" if state.holder == HEADER["alerts"]["IS"]["holder"] else "army"
        own = {report.item.id for report in order if report.capture == label}
        assert own <= told <= own | {r.item.id for r in order if r.capture is None}
    assert set(labels) == {"IS", "army"}
    first, retake = latest[labels["IS"]], latest[labels["army"]]
    assert first.supersedes is None and retake.supersedes == first.id
    reversals = [a for a in alerts if a.id == retake.id and "reversal" in a.reason.split(",")]
    assert len(reversals) == 1
    return labels


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(CORE)))))
async def test_palmyra_in_every_order(client: aioredis.Redis, order: tuple[int, ...]) -> None:
    town = next(TOWNS)
    reports = [moved(CORE[index], town) for index in order]
    store = RedisDedupStore(client, POLICY)
    answers = {}
    for report in reports:
        answer = await store.observe_all(report.item, report.event)
        answers[report.item.id] = [alert.to_dict() for alert in answer]
    alerts = [Alert.from_dict(data) for report in reports for data in answers[report.item.id]]
    labels = await check_two_captures(store, alerts, reports)
    messages = [(alert.id, alert.revision, alert.reason) for alert in alerts]
    if reports[0].capture == "IS":
        assert messages == [(labels["IS"], 0, "new"), (labels["army"], 0, "reversal")]
    else:
        # The retake first alerts as new; the first capture, once known, alerts and makes
        # the retake a reversal (revision 1) in the same answer.
        assert messages == [
            (labels["army"], 0, "new"),
            (labels["IS"], 0, "new"),
            (labels["army"], 1, "reversal"),
        ]
    # Everything redelivered, in another order (a worker crashed before sending): each report
    # gets back exactly what it caused, the reversal it revealed included, and nothing new.
    replica = RedisDedupStore(client, POLICY)
    for report in reversed(reports):
        again = await replica.observe_all(report.item, report.event)
        assert [alert.to_dict() for alert in again] == answers[report.item.id]


async def test_palmyra_headlines_and_links_as_subscribers_read_them(
    client: aioredis.Redis,
) -> None:
    store = RedisDedupStore(client, POLICY)
    alerts = await feed(store, list(reversed(CORE)))
    labels = await check_two_captures(store, alerts, CORE)
    latest = {alert.id: alert for alert in alerts}
    for label, expected in HEADER["alerts"].items():
        alert = latest[labels[label]]
        assert alert.headline == expected["headline"]
        body: dict[str, Any] = alert.to_dict()
        if expected["supersedes"]:
            assert body["supersedes"] == labels[expected["supersedes"]]
        else:
            assert "supersedes" not in body  # the JSON of other alerts is unchanged
        assert Alert.from_dict(body) == alert


async def test_palmyra_with_variants_in_many_orders(client: aioredis.Redis) -> None:
    chosen = random.Random(22)
    store = RedisDedupStore(client, POLICY)
    for _ in range(12):
        town = next(TOWNS)
        order = [moved(report, town) for report in REPORTS]
        chosen.shuffle(order)
        await check_two_captures(store, await feed(store, order), order)


async def test_workers_racing_on_both_captures(redis_url: str) -> None:
    clients = [aioredis.from_url(redis_url) for _ in range(len(CORE))]
    stores = [RedisDedupStore(client, POLICY) for client in clients]
    try:
        for _ in range(8):
            town = next(TOWNS)
            reports = [moved(report, town) for report in CORE]
            answers = await asyncio.gather(
                *(
                    store.observe_all(report.item, report.event)
                    for store, report in zip(stores, reports, strict=True)
                )
            )
            alerts = [alert for answer in answers for alert in answer]
            await check_two_captures(stores[0], alerts, reports)
            revisions = sorted((alert.id, alert.revision) for alert in alerts)
            assert len(revisions) == len(set(revisions))  # each revision sent once
    finally:
        for client in clients:
            await client.aclose()


async def test_the_town_keeps_its_history(client: aioredis.Redis) -> None:
    store = RedisDedupStore(client, POLICY)
    town = next(TOWNS)
    alerts = await feed(store, [moved(report, town) for report in CORE])
    history = await client.hgetall(f"vigie:v1:dedup:town:g{town}")
    entries = {key.decode(): value.decode().split() for key, value in history.items()}
    assert set(entries) == {alert.id for alert in alerts} | {"version"}
    holders = sorted(fields[2] for key, fields in entries.items() if key != "version")
    assert holders == ["gov:SY", "islamic_state"]
    assert 0 < await client.ttl(f"vigie:v1:dedup:town:g{town}") <= POLICY.event_ttl_seconds


async def test_the_stream_worker_sends_the_reversal_a_late_report_reveals(
    client: aioredis.Redis,
) -> None:
    # The whole stream decision with the real detector: the retake is read first, then the
    # first capture; the worker's outcome carries both alerts of that item.
    from streams.app import default_processor

    processor = default_processor(client)
    army = next(r for r in CORE if r.capture == "army" and r.item.lang == "en")
    first = next(r for r in CORE if r.capture == "IS" and r.item.lang == "fr")
    retake = (await processor.process(army.item.to_dict())).alerts
    assert [(alert.revision, alert.reason) for alert in retake] == [(0, "new")]
    outcome = await processor.process(first.item.to_dict())
    assert [(alert.revision, alert.reason) for alert in outcome.alerts] == [
        (0, "new"),
        (1, "reversal"),
    ]
    seized, reversal = outcome.alerts
    assert reversal.id == retake[0].id and reversal.supersedes == seized.id
    assert seized.headline["en"].startswith("Palmyra (SY): city captured by IS")
