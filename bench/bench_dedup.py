"""Dedup bench: Redis round trips per item, items/s through dedup, Redis memory per 100,000 events.

    python bench/bench_dedup.py                  # a Redis of its own, 20,000 events, extrapolated
    python bench/bench_dedup.py --events 100000  # the full 100,000
    python bench/bench_dedup.py --redis-url redis://host:6379/9   # an existing, EMPTY database

Each synthetic event is told by three reports (French first, English with the same toll, then
a higher toll that makes revision 1), and one item in ten is a copy of another feed's item.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

from ingest.items import WireItem
from streams.dedup import DedupPolicy
from streams.events import Casualties, DetectedEvent, Place
from streams.store import RedisDedupStore

START = datetime(2024, 3, 4, tzinfo=UTC)
WORDS = [
    "army",
    "city",
    "forces",
    "market",
    "strike",
    "toll",
    "officials",
    "said",
    "village",
    "attack",
    "night",
    "province",
    "capital",
    "district",
    "rebels",
    "police",
    "hospital",
    "residents",
    "monitor",
    "statement",
    "earlier",
    "ministry",
    "convoy",
    "border",
    "armée",
    "ville",
    "forces",
    "marché",
    "frappe",
    "bilan",
    "responsables",
    "village",
    "attaque",
    "nuit",
    "province",
    "capitale",
]


def count_round_trips(client: aioredis.Redis) -> list[int]:
    """Count every command the client sends (each is one round trip: nothing is pipelined)."""
    counter = [0]
    send = client.execute_command

    async def counted(*args: Any, **options: Any) -> Any:
        counter[0] += 1
        return await send(*args, **options)

    client.execute_command = counted  # type: ignore[method-assign]
    return counter


def text(rng: random.Random, words: int = 40) -> str:
    """A random wire-like text: unique enough that fingerprints differ between stories."""
    return " ".join(rng.choice(WORDS) + str(rng.randrange(1000)) for _ in range(words))


def reports(number: int, rng: random.Random) -> list[tuple[WireItem, list[DetectedEvent]]]:
    """The three reports (and sometimes a copy) of synthetic event ``number``."""
    country = "".join(chr(65 + digit) for digit in divmod(number % 100, 10))  # 100 countries
    place = Place(f"City {number}", 20_000_000 + number, f"City {number}", country)
    first_seen = START + timedelta(minutes=number % 4000)
    toll = rng.randrange(5, 50)
    plan = [("fr", toll, 0), ("en", toll, 20), ("fr", toll * 2 + 5, 90)]
    out = []
    for index, (lang, killed, minutes) in enumerate(plan):
        seen_at = first_seen + timedelta(minutes=minutes)
        item = WireItem(
            id=f"e{number}-r{index}",
            source=f"feed-{lang}-{index}",
            title=f"Report {number}.{index}",
            summary=text(rng),
            lang=lang,
            url=f"https://example.org/{number}/{index}",
            published_at=seen_at,
            fetched_at=seen_at + timedelta(minutes=3),
        )
        event = DetectedEvent(
            id=f"{item.id}#0",
            kind="casualty_report",
            item_id=item.id,
            lang=lang,
            evidence="A bomb exploded at a market",
            place=place,
            casualties=Casualties(killed=killed),
            detected_at=item.fetched_at,
        )
        out.append((item, [event]))
        if rng.random() < 0.1:
            copy = replace(item, id=item.id + "-copy", source="portal")
            out.append((copy, [event]))
    return out


async def process(store: RedisDedupStore, item: WireItem, events: list[DetectedEvent]) -> int:
    """Check one item and observe its detections; how many alerts it gave."""
    if await store.check_item(item) == "near_duplicate":
        return 0
    alerts = [await store.observe(item, event) for event in events]
    return sum(alert is not None for alert in alerts)


async def used_memory(client: aioredis.Redis) -> int:
    """``used_memory`` of the server, in bytes."""
    info = await client.info("memory")
    return int(info["used_memory"])


async def timed(label: str, work: Callable[[], Awaitable[Any]], items: int) -> float:
    """Run ``work`` and print its throughput."""
    started = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - started
    print(f"  {label:<44} {items / elapsed:>10,.0f} items/s  ({items:,} items, {elapsed:.1f} s)")
    return elapsed


async def bench(url: str, events: int, workers: int) -> None:
    """Run every measurement against the (empty) Redis at ``url``."""
    policy = DedupPolicy()
    client = aioredis.from_url(url)
    if await client.dbsize():
        raise SystemExit(f"{url} is not empty: give the bench a database of its own")
    rng = random.Random(20240304)
    plan = [entry for number in range(events) for entry in reports(number, rng)]
    print(f"dedup bench: {events:,} events, {len(plan):,} items, policy {policy}")

    # 1. Round trips: counted per call, first pass then everything redelivered.
    counter = count_round_trips(client)
    store = RedisDedupStore(client, policy)
    sample = plan[:3000]
    for label in ("first delivery", "redelivered"):
        checks = observes = observed = 0
        for item, detected in sample:
            before = counter[0]
            verdict = await store.check_item(item)
            checks += counter[0] - before
            if verdict == "near_duplicate":
                continue
            for event in detected:
                before = counter[0]
                await store.observe(item, event)
                observes += counter[0] - before
                observed += 1
        print(
            f"  round trips per item, {label:<16} {(checks + observes) / len(sample):>10.2f}"
            f"   (check_item {checks / len(sample):.2f}, observe {observes / max(observed, 1):.2f}"
            f" per detection)"
        )
    await client.flushdb()

    # 2. Throughput: one worker awaiting each item in turn, then several workers at once.
    baseline = await used_memory(client)

    async def one_worker() -> None:
        for item, detected in plan:
            await process(store, item, detected)

    await timed("items/s, 1 worker (sequential)", one_worker, len(plan))
    memory = await used_memory(client) - baseline
    alerts = await count_keys(client, "vigie:v1:dedup:event:*")
    print(f"  events stored                                 {alerts:>10,}")
    await client.flushdb()

    clients = [aioredis.from_url(url) for _ in range(workers)]
    stores = [RedisDedupStore(c, policy) for c in clients]

    async def many_workers() -> None:
        # Items of one event go to one worker, as Kafka partitions by key would not
        # guarantee: reports of one event race across workers here on purpose.
        lanes: list[list[tuple[WireItem, list[DetectedEvent]]]] = [[] for _ in stores]
        for position, entry in enumerate(plan):
            lanes[position % len(stores)].append(entry)

        async def lane(worker: RedisDedupStore, entries: list[Any]) -> None:
            for item, detected in entries:
                await process(worker, item, detected)

        await asyncio.gather(*(lane(w, e) for w, e in zip(stores, lanes, strict=True)))

    await timed(f"items/s, {workers} workers (one connection each)", many_workers, len(plan))
    for extra in clients:
        await extra.aclose()

    # 3. Memory: everything a worker leaves in Redis, per 100,000 events.
    scale = 100_000 / events
    note = "" if events == 100_000 else f" (measured on {events:,}, scaled x{scale:g})"
    print(
        f"  Redis memory per 100,000 events, all keys     {memory * scale / 2**20:>10,.1f} MiB{note}"
    )
    await client.flushdb()
    baseline = await used_memory(client)
    for item, detected in plan:
        for event in detected:
            await store.observe(item, event)
    events_only = await used_memory(client) - baseline
    print(
        f"    events only (hashes and signature sets)     {events_only * scale / 2**20:>10,.1f} MiB"
        f"   = {events_only / events:,.0f} bytes per event"
    )
    items_only = memory - events_only
    print(
        f"    item index (verdicts, fingerprints, bands)  {items_only * scale / 2**20:>10,.1f} MiB"
        f"   = {items_only / len(plan):,.0f} bytes per item"
    )
    await client.flushdb()
    await client.aclose()


async def count_keys(client: aioredis.Redis, pattern: str) -> int:
    """How many keys match ``pattern``."""
    return sum([1 async for _ in client.scan_iter(match=pattern, count=1000)])


def main() -> None:
    """Parse arguments, start a Redis of its own unless given one, run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--redis-url", default=None, help="an existing, empty Redis database")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.redis_url:
        asyncio.run(bench(args.redis_url, args.events, args.workers))
        return
    from vigie.embedded.redis import RedisServer

    with tempfile.TemporaryDirectory() as data_dir:
        server = RedisServer(Path(data_dir), persist=False)
        server.start()
        try:
            asyncio.run(bench(server.url, args.events, args.workers))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
