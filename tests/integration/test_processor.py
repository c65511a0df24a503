"""The stream decision on the real Redis with the real detector: bad records are skipped,
items that report nothing never touch Redis, copies are skipped, redeliveries answer the
same alert."""

from __future__ import annotations

import dataclasses
import json

import pytest
import redis.asyncio as aioredis

from ingest.items import WireItem
from kernel.clock import utcnow
from streams.app import default_processor

pytestmark = pytest.mark.integration

CAPTURE_FR = WireItem(
    id="fr-1",
    source="fil-fr",
    lang="fr",
    title="Mali : les rebelles ont pris la ville de Kidal",
    summary="Les rebelles touareg ont pris dimanche le contrôle de la ville de Kidal, a annoncé l'armée malienne.",
    published_at=utcnow(),
)
CAPTURE_EN = WireItem(
    id="en-1",
    source="wire-en",
    lang="en",
    title="Tuareg rebels seize the Malian city of Kidal",
    summary="Tuareg rebels seized control of the city of Kidal on Sunday, the Malian army announced.",
    published_at=utcnow(),
)
ORDINARY = WireItem(
    id="o-1", source="wire-en", title="Wheat prices ease", summary="Futures fell 2% on Monday."
)


def encode(item: WireItem) -> bytes:
    return json.dumps(item.to_dict()).encode()


async def test_one_alert_for_two_languages_copies_skipped_redelivery_answered(
    redis_url: str,
) -> None:
    client = aioredis.from_url(redis_url)
    processor = default_processor(client)

    assert (await processor.process(b"{not json")).verdict == "invalid"
    assert (await processor.process(b'{"title": "no id"}')).verdict == "invalid"

    ordinary = await processor.process(encode(ORDINARY))
    assert ordinary.events == [] and ordinary.alerts == []
    assert await client.dbsize() == 0  # nothing reported, nothing stored

    first = await processor.process(encode(CAPTURE_FR))
    assert [alert.revision for alert in first.alerts] == [0]
    alert = first.alerts[0]
    assert alert.event.place is not None and alert.event.place.country == "ML"
    assert set(alert.headline) == {"fr", "en"}

    english = await processor.process(encode(CAPTURE_EN))
    assert english.events and english.alerts == []  # the same event: a source, not an alert

    copy = dataclasses.replace(CAPTURE_EN, id="en-copy", source="other-en")
    assert (await processor.process(encode(copy))).verdict == "near_duplicate"

    again = await processor.process(encode(CAPTURE_FR))
    assert again.verdict == "redelivered"
    assert [(a.id, a.revision) for a in again.alerts] == [(alert.id, 0)]
    await client.aclose()


async def test_status_shows_every_wire_behind_one_alert(redis_url: str) -> None:
    from vigie.web.status import gather_status

    client = aioredis.from_url(redis_url)
    processor = default_processor(client)
    for item in (CAPTURE_FR, CAPTURE_EN):
        for alert in (await processor.process(encode(item))).alerts:
            await processor.record_alert(alert)
    status = await gather_status(client)
    await client.aclose()
    [row] = status["alerts"]
    assert {(source["source"], source["lang"]) for source in row["sources"]} == {
        ("fil-fr", "fr"),
        ("wire-en", "en"),
    }


async def test_a_batch_decides_as_its_items_one_by_one(redis_url: str) -> None:
    from kernel.stats import RECENT_ALERTS, STAT_ALERTS, STAT_DETECTIONS, read_recent, read_series

    client = aioredis.from_url(redis_url)
    processor = default_processor(client)
    copy = dataclasses.replace(CAPTURE_EN, id="en-copy", source="other-en")
    records = [b"{not json", encode(ORDINARY), encode(CAPTURE_FR), encode(CAPTURE_EN), encode(copy)]

    detected = [processor.detect(raw) for raw in records]
    outcomes = await processor.settle(detected)

    assert [outcome.verdict for outcome in outcomes] == [
        "invalid",
        "new",
        "new",
        "new",
        "near_duplicate",  # a copy of an item earlier in the same batch
    ]
    assert [len(outcome.events) for outcome in outcomes] == [0, 0, 1, 1, 0]
    [alert] = outcomes[2].alerts
    assert alert.revision == 0 and outcomes[3].alerts == []
    assert detected[4].events, "settling leaves the detected records as they were"

    await processor.record(outcomes)
    assert [entry["id"] for entry in await read_recent(client, RECENT_ALERTS)] == [alert.id]
    counted = [
        sum(count for _minute, count in await read_series(client, name, minutes=2))
        for name in (STAT_DETECTIONS, STAT_ALERTS)
    ]
    assert counted == [2, 1]

    # Settled again (a crash before the offsets were committed): the same answers.
    again = await processor.settle(detected)
    assert [outcome.verdict for outcome in again] == [
        "invalid",
        "new",
        "redelivered",
        "redelivered",
        "near_duplicate",
    ]
    assert [(a.id, a.revision) for a in again[2].alerts] == [(alert.id, 0)]
    await client.aclose()
