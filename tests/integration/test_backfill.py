"""Backfill in event time on the real Redis: an archive alerts once, marked, into the history;
without ``--backfill`` its items are counted as too old and not alerted."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from alerts.history.store import HistoryQuery, HistoryStore
from alerts.subscriptions import build_subscription, console_subscription, matches
from ingest.items import WireItem
from kernel.clock import utcnow
from kernel.contracts import TOPIC_ITEMS
from streams import metrics
from streams.app import default_processor
from tests.conftest import BrokerFactory
from tests.integration.stack import read_topic, vigie_env
from tests.integration.test_replay import replay

pytestmark = pytest.mark.integration

DAY = datetime(2014, 6, 10, 8, tzinfo=UTC)
#: A small archive of 2014: a capture reported twice, then a toll that grows over two days.
ARCHIVE = [
    WireItem(
        id=item_id,
        source=f"archive-{lang}",
        lang=lang,
        title=title,
        summary=summary,
        published_at=DAY + timedelta(hours=hours),
    )
    for item_id, lang, hours, title, summary in (
        (
            "a-mosul-en",
            "en",
            0,
            "Militants seize the Iraqi city of Mosul",
            "Islamic State militants seized control of the city of Mosul on Tuesday.",
        ),
        (
            "a-mosul-fr",
            "fr",
            3,
            "Irak : les jihadistes de l'EI ont pris la ville de Mossoul",
            "Les jihadistes de l'État islamique ont pris mardi le contrôle de Mossoul.",
        ),
        (
            "a-kano-1",
            "en",
            24,
            "Bomb blast kills 12 in Kano market",
            "A bomb blast killed 12 people at a market in Kano on Wednesday, police said.",
        ),
        (
            "a-kano-2",
            "en",
            30,
            "Kano market bombing toll rises to 40",
            "The toll of the bomb blast at a market in Kano rose to 40 killed, police said.",
        ),
    )
]


def _encode(item: WireItem) -> bytes:
    return json.dumps(item.to_dict()).encode()


async def _process(redis_url: str, items: list[WireItem]) -> list[object]:
    client = aioredis.from_url(redis_url)
    processor = default_processor(client)
    alerts = []
    for item in items:
        alerts += (await processor.process(_encode(item))).alerts
    await client.aclose()
    return alerts


async def test_an_old_archive_is_counted_not_alerted_without_backfill(redis_url: str) -> None:
    before = metrics.ITEMS_TOO_OLD.labels("city_capture")._value.get()
    assert await _process(redis_url, ARCHIVE[:1]) == []
    assert metrics.ITEMS_TOO_OLD.labels("city_capture")._value.get() == before + 1


async def test_backfill_alerts_in_event_time_once_into_the_history(
    redis_url: str, tmp_path: Path
) -> None:
    now = utcnow()
    archive = [replace(item, backfill=True, fetched_at=now) for item in ARCHIVE]
    alerts = await _process(redis_url, archive)
    assert all(alert.backfill for alert in alerts)  # type: ignore[attr-defined]
    assert [(a.kind, a.revision) for a in alerts] == [  # type: ignore[attr-defined]
        ("city_capture", 0),
        ("casualty_report", 0),
        ("casualty_report", 1),
    ]
    # Event time: the capture is dated by its reports, not by today.
    assert alerts[0].first_seen == DAY  # type: ignore[attr-defined]
    # Redis keys expire from now, not from 2014 (they would be gone already).
    client = aioredis.from_url(redis_url)
    keys = [key async for key in client.scan_iter("vigie:v1:dedup:event:*")]
    assert keys and all([await client.ttl(key) > 6 * 86400 for key in keys])
    await client.aclose()

    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    store.write_many(alerts)  # type: ignore[arg-type]
    # The same archive replayed again: the redelivered items answer the same alerts.
    again = await _process(redis_url, archive)
    assert [a.to_dict() for a in again] == [a.to_dict() for a in alerts]  # type: ignore[attr-defined]
    assert store.write_many(again) == 0  # type: ignore[arg-type]
    assert store.count() == 2 and store.revision_count() == 3
    kano = store.search(HistoryQuery(place="Kano")).alerts
    assert [(a["killed"], a["backfill"]) for a in kano] == [(40, True)]
    store.close()

    # The console shows backfilled alerts; a subscription only when it opted in.
    plain = build_subscription({"channel": "webhook+https://hooks.example.org/a"})
    opted = build_subscription(
        {"channel": "webhook+https://hooks.example.org/b", "include_backfill": True}
    )
    assert matches(console_subscription(), alerts[0])  # type: ignore[arg-type]
    assert not matches(plain, alerts[0])  # type: ignore[arg-type]
    assert matches(opted, alerts[0])  # type: ignore[arg-type]
    assert matches(plain, replace(alerts[0], backfill=False))  # type: ignore[type-var]


def test_replay_reports_old_items_and_backfill_sends_them_in_event_time(
    broker_factory: BrokerFactory, redis_url: str, tmp_path: Path
) -> None:
    # One partition: the order of the records is the order they were sent in.
    kafka_bootstrap = broker_factory.start(partitions=1).bootstrap
    path = tmp_path / "archive.jsonl"
    lines = [
        {
            "id": item.id,
            "title": item.title,
            "text": item.summary,
            "published_at": str(item.published_at),
        }
        for item in reversed(ARCHIVE)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    env = vigie_env(tmp_path, VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap, VIGIE_REDIS_URL=redis_url)
    plain = replay(path, env)
    assert plain.returncode == 0, plain.stderr
    assert "4 item(s) older than 7 days were not alerted; use --backfill" in plain.stderr, (
        plain.stderr
    )

    backfill = replay(path, env, "--backfill")
    assert backfill.returncode == 0, backfill.stderr
    assert "not alerted" not in backfill.stderr
    records = read_topic(kafka_bootstrap, TOPIC_ITEMS)
    assert [r.get("backfill", False) for r in records] == [False] * 4 + [True] * 4
    # In event time: oldest first, whatever the order of the file.
    assert [r["id"] for r in records[4:]] == [item.id for item in ARCHIVE]


async def test_the_same_wire_copy_a_year_apart_is_two_events_in_a_backfill(
    redis_url: str,
) -> None:
    now = utcnow()
    first = replace(ARCHIVE[2], backfill=True, fetched_at=now)
    a_year_later = replace(
        first, id="a-kano-2015", published_at=DAY + timedelta(days=365, hours=24)
    )
    alerts = await _process(redis_url, [first, a_year_later])
    assert [(a.revision, a.first_seen.year) for a in alerts] == [(0, 2014), (0, 2015)]  # type: ignore[attr-defined]
