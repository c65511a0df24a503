"""``RedisDedupStore`` on the real Redis: the scenario's exact alerts on one worker, on racing
workers and across restarts; redeliveries give back the same alert; keys are prefixed and expire."""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from ingest.items import WireItem
from kernel.contracts import REDIS_PREFIX
from streams.dedup import DedupPolicy
from streams.events import Alert, Casualties, DetectedEvent, Place
from streams.store import RedisDedupStore

pytestmark = pytest.mark.integration

SCENARIO = Path(__file__).parent.parent / "data" / "dedup_scenario.jsonl"
POLICY = DedupPolicy()


@dataclass(frozen=True)
class Step:
    """One line of the scenario: an item, its detections, and what dedup must answer."""

    note: str
    item: WireItem
    check: str
    events: tuple[DetectedEvent, ...]
    expect: tuple[dict[str, Any] | None, ...]
    race: str | None


def load_scenario() -> tuple[dict[str, Any], list[Step]]:
    """The scenario header and its steps, in order."""
    lines = [json.loads(line) for line in SCENARIO.read_text(encoding="utf-8").splitlines()]
    header, rows = lines[0]["header"], lines[1:]
    steps = []
    for position, row in enumerate(rows):
        item = WireItem.from_dict(row["item"])
        events = tuple(
            DetectedEvent.from_dict(
                {
                    **event,
                    "id": f"{item.id}#{position}.{index}",
                    "item_id": item.id,
                    "lang": item.lang,
                    "detected_at": row["item"]["fetched_at"],
                }
            )
            for index, event in enumerate(row["events"])
        )
        steps.append(
            Step(row["note"], item, row["check"], events, tuple(row["expect"]), row.get("race"))
        )
    return header, steps


HEADER, STEPS = load_scenario()


async def process(store: RedisDedupStore, step: Step) -> tuple[str, list[Alert | None]]:
    """What the stream worker does with one item: check it, then observe its detections."""
    verdict = await store.check_item(step.item)
    if verdict == "near_duplicate":
        return verdict, []
    return verdict, [await store.observe(step.item, event) for event in step.events]


class Ledger:
    """Binds scenario labels to alert ids and remembers every alert emitted."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.emitted: dict[tuple[str, int], Alert] = {}

    def bind(self, label: str, alert_id: str) -> None:
        assert self.ids.setdefault(label, alert_id) == alert_id, f"{label} changed id"
        assert list(self.ids.values()).count(alert_id) == 1, f"{label} shares an id"

    def describe(self, alert: Alert) -> tuple[str, int, str, str, str]:
        label = next(name for name, alert_id in self.ids.items() if alert_id == alert.id)
        return label, alert.revision, alert.reason, alert.headline["fr"], alert.headline["en"]

    def record(self, alert: Alert) -> None:
        key = (alert.id, alert.revision)
        if key in self.emitted:
            assert self.emitted[key].to_dict() == alert.to_dict(), "same revision, other content"
        self.emitted[key] = alert

    def labelled(self) -> list[str]:
        by_id = {alert_id: label for label, alert_id in self.ids.items()}
        return sorted(
            (f"{by_id[alert_id]}/{revision}" for alert_id, revision in self.emitted),
            key=lambda text: (int(text.split("/")[0][1:]), int(text.split("/")[1])),
        )


def check_alert(
    ledger: Ledger, step: Step, alert: Alert | None, expected: dict[str, Any] | None
) -> None:
    """The alert matches the scenario's expectation, down to headlines and source languages."""
    if expected is None:
        assert alert is None, f"{step.note}: unexpected alert {alert}"
        return
    assert alert is not None, f"{step.note}: expected {expected['alert']}/{expected['revision']}"
    ledger.bind(expected["alert"], alert.id)
    assert (alert.revision, alert.reason) == (expected["revision"], expected["reason"]), step.note
    assert alert.headline == expected["headline"], step.note
    assert sorted(alert.languages) == sorted(expected["languages"]), step.note
    if expected.get("supersedes"):
        assert alert.supersedes == ledger.ids[expected["supersedes"]], step.note
    else:
        assert alert.supersedes is None, step.note
    if expected.get("replay"):
        assert (alert.id, alert.revision) in ledger.emitted, f"{step.note}: not a replay"
    ledger.record(alert)


def check_step(ledger: Ledger, step: Step, verdict: str, alerts: list[Alert | None]) -> None:
    """Verdict and every alert of one step are those the scenario states."""
    assert verdict == step.check, f"{step.note}: {verdict}"
    expected = step.expect if step.check != "near_duplicate" else ()
    assert len(alerts) == len(expected), step.note
    for alert, wanted in zip(alerts, expected, strict=True):
        check_alert(ledger, step, alert, wanted)


@pytest.fixture
async def client(redis_url: str) -> Any:
    connection = aioredis.from_url(redis_url)
    yield connection
    await connection.aclose()


def test_scenario_is_big_enough() -> None:
    languages = Counter(step.item.lang for step in STEPS)
    assert len(STEPS) == HEADER["items"] >= 40
    assert languages["fr"] >= 15 and languages["en"] >= 15
    assert len({label.split("/")[0] for label in HEADER["alerts"]}) == HEADER["events"] >= 8
    days = {step.item.seen_at.date() for step in STEPS}
    assert len(days) == 3


async def test_scenario_on_one_worker(client: aioredis.Redis) -> None:
    store = RedisDedupStore(client, POLICY)
    ledger = Ledger()
    for step in STEPS:
        verdict, alerts = await process(store, step)
        check_step(ledger, step, verdict, alerts)
    assert ledger.labelled() == HEADER["alerts"]


async def test_scenario_on_two_workers_racing_on_every_item(redis_url: str) -> None:
    clients = [aioredis.from_url(redis_url) for _ in range(2)]
    stores = [RedisDedupStore(client, POLICY) for client in clients]
    ledger = Ledger()
    try:
        for step in STEPS:
            outcomes = await asyncio.gather(*(process(store, step) for store in stores))
            verdicts = sorted(verdict for verdict, _ in outcomes)
            if step.check == "new":
                assert verdicts == ["new", "redelivered"], step.note
            else:
                assert verdicts == [step.check, step.check], step.note
            # One worker decided, the other was answered the very same alert (or none).
            first, second = (alerts for _, alerts in outcomes)
            assert [a and a.to_dict() for a in first] == [a and a.to_dict() for a in second]
            check_step(ledger, step, step.check, first)
    finally:
        for client in clients:
            await client.aclose()
    assert ledger.labelled() == HEADER["alerts"]


def race_groups() -> Iterator[list[Step]]:
    """Runs of consecutive steps that share a race tag (a step alone otherwise)."""
    for tag, group in itertools.groupby(STEPS, key=lambda step: step.race or id(step)):
        del tag
        yield list(group)


async def test_scenario_on_two_workers_racing_on_reports_of_one_event(redis_url: str) -> None:
    clients = [aioredis.from_url(redis_url) for _ in range(2)]
    stores = [RedisDedupStore(client, POLICY) for client in clients]
    ledger = Ledger()
    raced = 0
    # What each raced item was answered: its redelivery must get the same, whichever won.
    answers: dict[str, list[dict[str, Any] | None]] = {}
    try:
        for group in race_groups():
            if len(group) == 1:
                verdict, alerts = await process(stores[0], group[0])
                if verdict == "redelivered" and group[0].item.id in answers:
                    assert [a and a.to_dict() for a in alerts] == answers[group[0].item.id]
                    continue
                check_step(ledger, group[0], verdict, alerts)
                continue
            raced += 1
            outcomes = await asyncio.gather(
                *(process(store, step) for store, step in zip(stores, group, strict=True))
            )
            # Which report wins is up to the race; what the pair gives together is not.
            assert sorted(v for v, _ in outcomes) == sorted(s.check for s in group)
            for step, (_, alerts) in zip(group, outcomes, strict=True):
                answers[step.item.id] = [a and a.to_dict() for a in alerts]
            got = [alert for _, alerts in outcomes for alert in alerts]
            wanted = [e for step in group if step.check != "near_duplicate" for e in step.expect]
            produced = [alert for alert in got if alert is not None]
            expected_alerts = [e for e in wanted if e is not None]
            assert len(produced) == len(expected_alerts) <= 1, group[0].note
            for alert, expected in zip(produced, expected_alerts, strict=True):
                ledger.bind(expected["alert"], alert.id)
                ledger.record(alert)
                assert ledger.describe(alert) == (
                    expected["alert"],
                    expected["revision"],
                    expected["reason"],
                    expected["headline"]["fr"],
                    expected["headline"]["en"],
                ), group[0].note
            assert got.count(None) == wanted.count(None), group[0].note
    finally:
        for client in clients:
            await client.aclose()
    assert raced >= 5
    assert ledger.labelled() == HEADER["alerts"]


async def test_restarted_workers_never_alert_again(redis_url: str) -> None:
    ledger = Ledger()
    for step in STEPS:
        # A new worker (new store, new connection) for every item: nothing lives in memory.
        client = aioredis.from_url(redis_url)
        verdict, alerts = await process(RedisDedupStore(client, POLICY), step)
        await client.aclose()
        check_step(ledger, step, verdict, alerts)
    assert ledger.labelled() == HEADER["alerts"]

    # Everything redelivered to yet another worker: the same alerts as before, never a new one.
    client = aioredis.from_url(redis_url)
    store = RedisDedupStore(client, POLICY)
    try:
        for step in STEPS:
            verdict, alerts = await process(store, step)
            assert verdict in ("redelivered", "near_duplicate")
            for alert in alerts:
                if alert is not None:
                    original = ledger.emitted[(alert.id, alert.revision)]
                    assert alert.to_dict() == original.to_dict()
    finally:
        await client.aclose()


# --- races beyond the scenario -----------------------------------------------------------

START = datetime(2024, 3, 4, 6, 0, tzinfo=UTC)
MOSUL = Place("Mosul", 99072, "Mosul", "IQ", 36.335, 43.11889)


def report(
    number: int, lang: str, place: Place, killed: int | None = None
) -> tuple[WireItem, DetectedEvent]:
    """A report of one event by one feed, in ``lang``."""
    seen_at = START + timedelta(minutes=number)
    item = WireItem(
        id=f"{lang}-{place.geoname_id}-{number}",
        source=f"feed-{lang}-{number}",
        title=f"Report {number} on {place.name}",
        lang=lang,
        published_at=seen_at,
        fetched_at=seen_at + timedelta(minutes=2),
    )
    kind = "city_capture" if killed is None else "casualty_report"
    event = DetectedEvent(
        id=f"{item.id}#0",
        kind=kind,
        item_id=item.id,
        lang=lang,
        evidence="",
        place=place,
        actor="Iraqi forces" if killed is None else None,
        casualties=None if killed is None else Casualties(killed=killed),
        detected_at=item.fetched_at,
    )
    return item, event


async def test_many_workers_racing_on_one_capture_alert_once(redis_url: str) -> None:
    clients = [aioredis.from_url(redis_url) for _ in range(8)]
    stores = [RedisDedupStore(client, POLICY) for client in clients]
    reports = [report(number, ("fr", "en")[number % 2], MOSUL) for number in range(8)]
    try:
        alerts = await asyncio.gather(
            *(
                store.observe(item, event)
                for store, (item, event) in zip(stores, reports, strict=True)
            )
        )
        emitted = [alert for alert in alerts if alert is not None]
        assert [alert.revision for alert in emitted] == [0]
        state = await stores[0].event_state(emitted[0].id)
    finally:
        for client in clients:
            await client.aclose()
    assert state is not None and len(state.sources) == 8
    assert {source.lang for source in state.sources} == {"fr", "en"}


async def test_racing_toll_updates_give_each_revision_once(redis_url: str) -> None:
    clients = [aioredis.from_url(redis_url) for _ in range(6)]
    stores = [RedisDedupStore(client, POLICY) for client in clients]
    kabul = Place("Kabul", 1138958, "Kabul", "AF")
    tolls = [10, 10, 14, 14, 30, 30]
    reports = [
        report(number, ("fr", "en")[number % 2], kabul, toll) for number, toll in enumerate(tolls)
    ]
    try:
        alerts = await asyncio.gather(
            *(
                store.observe(item, event)
                for store, (item, event) in zip(stores, reports, strict=True)
            )
        )
        emitted = [alert for alert in alerts if alert is not None]
        state = await stores[0].event_state(emitted[0].id)
    finally:
        for client in clients:
            await client.aclose()
    revisions = sorted(alert.revision for alert in emitted)
    assert revisions == list(range(len(revisions)))  # each revision once, none skipped
    assert len({alert.id for alert in emitted}) == 1
    assert state is not None and state.killed == 30 and len(state.sources) == 6


def _process_worker(redis_url: str, lang: str, count: int, barrier: Any, results: Any) -> None:
    """One OS process: its own loop and connection, reporting ``count`` captures in ``lang``."""

    async def run() -> list[tuple[int, str, int]]:
        client = aioredis.from_url(redis_url)
        store = RedisDedupStore(client, POLICY)
        found = []
        barrier.wait()
        for number in range(count):
            place = replace(MOSUL, geoname_id=10_000_000 + number, name=f"City {number}")
            item, event = report(number, lang, place)
            alert = await store.observe(item, event)
            if alert is not None:
                found.append((number, alert.id, alert.revision))
        await client.aclose()
        return found

    results.put(asyncio.run(run()))


def test_two_processes_racing_alert_once_per_event(redis_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    count = 40
    workers = [
        context.Process(target=_process_worker, args=(redis_url, lang, count, barrier, results))
        for lang in ("fr", "en")
    ]
    for worker in workers:
        worker.start()
    found = [entry for _ in workers for entry in results.get(timeout=120)]
    for worker in workers:
        worker.join(30)
    assert all(worker.exitcode == 0 for worker in workers)
    assert sorted(number for number, _, _ in found) == list(range(count))
    assert {revision for _, _, revision in found} == {0}


# --- items ---------------------------------------------------------------------------------


def wire(item_id: str, title: str, summary: str, source: str = "feed") -> WireItem:
    """A wire item seen at the start of the test day."""
    return WireItem(id=item_id, source=source, title=title, summary=summary, published_at=START)


SUMMARY = (
    "A car bomb exploded near a checkpoint in Mogadishu on Thursday, killing eight people "
    "and wounding several others, a police officer said."
)


async def test_item_verdicts(client: aioredis.Redis) -> None:
    store = RedisDedupStore(client, POLICY)
    original = wire("a", "Car bomb kills eight in Mogadishu", SUMMARY)
    copy = wire("b", "UPDATE 1-Car bomb kills eight in Mogadishu", SUMMARY + " More to follow.")
    update = wire("c", "Car bomb kills 15 in Mogadishu", SUMMARY.replace("eight", "15"))
    assert await store.check_item(original) == "new"
    assert await store.check_item(original) == "redelivered"
    assert await store.check_item_detail(copy) == ("near_duplicate", "a")
    assert await store.check_item(copy) == "near_duplicate"  # the same verdict on redelivery
    assert await store.check_item(update) == "new"  # a new number is news, not a copy
    edited = replace(original, summary=SUMMARY + " The toll could rise.")
    assert await store.check_item(edited) == "redelivered"  # its own earlier text is no original


async def test_redelivered_report_returns_the_same_alert(client: aioredis.Redis) -> None:
    store = RedisDedupStore(client, POLICY)
    first_item, first = report(1, "fr", MOSUL)
    second_item, second = report(2, "en", MOSUL)
    alert = await store.observe(first_item, first)
    assert alert is not None and alert.revision == 0
    assert await store.observe(second_item, second) is None
    # The worker crashed before sending: the redelivered items get the same answers.
    again = await store.observe(first_item, first)
    assert again is not None and again.to_dict() == alert.to_dict()
    assert await store.observe(second_item, second) is None


async def test_stale_item_is_ignored(client: aioredis.Redis) -> None:
    store = RedisDedupStore(client, POLICY)
    item, event = report(1, "fr", MOSUL)
    late = replace(item, fetched_at=item.seen_at + timedelta(days=POLICY.event_ttl_days + 1))
    assert await store.observe(late, event) is None
    assert await client.dbsize() == 0


async def test_every_key_is_prefixed_and_expires(redis_url: str, client: aioredis.Redis) -> None:
    store = RedisDedupStore(client, POLICY)
    for step in STEPS:
        await process(store, step)
    sync = redis.Redis.from_url(redis_url)
    keys = list(sync.scan_iter(count=1000))
    assert keys
    assert all(key.decode().startswith(REDIS_PREFIX + "dedup:") for key in keys)
    assert all(0 < sync.ttl(key) <= POLICY.event_ttl_seconds for key in keys)
    sync.close()


async def test_templated_dispatches_about_other_cities_are_new_items(redis_url: str) -> None:
    import redis.asyncio as aioredis

    from ingest.items import WireItem
    from streams.dedup import DedupPolicy
    from streams.store import RedisDedupStore

    client = aioredis.from_url(redis_url)
    store = RedisDedupStore(client, DedupPolicy())
    text = "A car bomb killed at least 12 people in {city} on Monday, police said."
    verdicts = [
        await store.check_item(
            WireItem(
                id=f"t-{n}",
                source="wire",
                title=f"At least 12 killed in bombing in {city}",
                summary=text.format(city=city),
            )
        )
        for n, city in enumerate(["Shanghai", "Kinshasa", "Shanghai"])
    ]
    await client.aclose()
    assert verdicts == ["new", "new", "near_duplicate"]
