"""Latency bench: from a wire publishing an item to the subscriber's webhook, per item.

Starts a feed farm on 127.0.0.1 (``--feeds`` feeds, half polled every 60 s, half every 10 s),
a real `vigie up` polling it (durable broker by default, as shipped) and a webhook receiver
that checks signatures (the chaos bench's). Once every feed has been polled, it publishes
casualty reports, each a distinct event (a city of its own), into English feeds of both
groups at random moments over ``--span`` seconds, and times each one:

- item: publication in the feed -> the item produced to ``vigie.items`` (record timestamp);
- alert: publication -> its alert produced to ``vigie.alerts`` (record timestamp);
- webhook: publication -> the webhook accepted by the receiver.

Prints p50 / p95 / p99 per poll interval and stage, against the goal p95 <= interval + 2 s
(an item waits for the next poll of its feed: on average half an interval, at worst one).

With ``--websub`` the farm is also a WebSub hub and ingest subscribes to every feed (callback
on 127.0.0.1): each report is pushed at once, and the poll interval only matters as a safety
net (``--intervals 60 --websub``: publication -> webhook with push instead of a 60 s poll).

Run: ``.venv/bin/python bench/bench_latency.py`` (60 items per interval over 180 s, about five
minutes) or ``--short`` (20 items per interval over 60 s, about two and a half minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from chaos import ChaosReceiver, ChaosStack, casualty_items  # noqa: E402
from kafka import KafkaConsumer, TopicPartition  # noqa: E402
from pipeline import percentile, wait_for  # noqa: E402

from kernel.contracts import TOPIC_ALERTS, TOPIC_ITEMS  # noqa: E402
from vigie.embedded.feedfarm import CITIES, FarmFeed, FarmItem, FeedFarm  # noqa: E402
from vigie.embedded.ports import free_port  # noqa: E402

STAGES = ("item", "alert", "webhook")
GOAL_MARGIN_S = 2.0


@dataclass
class TopicClock:
    """When each item id was first produced to ``vigie.items`` and in an alert's sources."""

    bootstrap: str
    seen: dict[str, dict[str, float]] = field(default_factory=lambda: {"item": {}, "alert": {}})
    stop: threading.Event = field(default_factory=threading.Event)
    ready: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, consumer_timeout_ms=200)
        partitions = [
            TopicPartition(topic, number)
            for topic in (TOPIC_ITEMS, TOPIC_ALERTS)
            for number in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        consumer.seek_to_end(*partitions)
        for partition in partitions:
            consumer.position(partition)
        self.ready.set()
        while not self.stop.is_set():
            for records in consumer.poll(timeout_ms=100).values():
                for record in records:
                    # The producer's own timestamp: when ingest (or the stream worker) sent
                    # it, whatever this reader's own delay.
                    sent = record.timestamp / 1000
                    value = json.loads(record.value)
                    if record.topic == TOPIC_ITEMS:
                        self.seen["item"].setdefault(value.get("id", ""), sent)
                    else:
                        for source in value.get("sources", []):
                            self.seen["alert"].setdefault(source.get("item_id", ""), sent)
        consumer.close()


def write_feeds(farm: FeedFarm, groups: dict[float, list[FarmFeed]], path: Path) -> None:
    """One feeds file with each group at its own interval."""
    lines = ["feeds:"]
    for interval, feeds in groups.items():
        lines.extend(farm.feeds_yaml(interval, feeds).splitlines()[1:])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def reports(count: int) -> list[dict[str, str]]:
    """``count`` casualty reports in cities the farm's own background items never name."""
    found = [
        item
        for item in casualty_items(count + 2 * len(CITIES))
        if not any(city in item["title"] for city in CITIES)
    ]
    return found[:count]


def publish_schedule(
    farm: FeedFarm,
    groups: dict[float, list[FarmFeed]],
    texts: list[dict[str, str]],
    per_group: int,
    span_s: float,
) -> list[tuple[float, FarmItem]]:
    """Publish ``per_group`` reports into each group's English feeds at random moments."""
    rng = random.Random(11)
    plan: list[tuple[float, float, FarmFeed]] = []
    for interval, feeds in groups.items():
        english = [feed for feed in feeds if feed.lang == "en"]
        for number in range(per_group):
            plan.append((rng.uniform(0, span_s), interval, english[number % len(english)]))
    plan.sort(key=lambda entry: entry[0])
    started = time.monotonic()
    published = []
    for (offset, interval, feed), text in zip(plan, texts, strict=False):
        time.sleep(max(0.0, started + offset - time.monotonic()))
        published.append((interval, farm.publish(feed.index, text["title"], text["summary"])))
    return published


def table(
    published: list[tuple[float, FarmItem]], arrivals: dict[str, Callable[[str], float | None]]
) -> tuple[str, bool]:
    """The printed table and whether every interval met the goal."""
    lines = [
        f"{'interval':>8} {'stage':<8} {'items':>5} {'missing':>7} {'p50':>7} {'p95':>7} "
        f"{'p99':>7}  goal p95 <= interval + {GOAL_MARGIN_S:g} s"
    ]
    met = True
    for interval in sorted({interval for interval, _ in published}, reverse=True):
        items = [item for group, item in published if group == interval]
        for stage in STAGES:
            delays = [
                arrived - item.published_at
                for item in items
                if (arrived := arrivals[stage](item.item_id)) is not None
            ]
            missing = len(items) - len(delays)
            if not delays:
                lines.append(f"{interval:>7g}s {stage:<8} {len(items):>5} {missing:>7}")
                met = False
                continue
            p95 = percentile(delays, 0.95)
            verdict = ""
            if stage == "webhook":
                ok = p95 <= interval + GOAL_MARGIN_S and missing == 0
                met = met and ok
                verdict = "  met" if ok else "  NOT met"
            lines.append(
                f"{interval:>7g}s {stage:<8} {len(items):>5} {missing:>7} "
                f"{percentile(delays, 0.5):>6.1f}s {p95:>6.1f}s {percentile(delays, 0.99):>6.1f}s"
                f"{verdict}"
            )
    return "\n".join(lines), met


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-latency-"))
    texts = reports(args.items * len(args.intervals))
    farm = FeedFarm(args.feeds, hosts=4, initial_items=1, hub=args.websub).start()
    per_group = len(farm.feeds) // len(args.intervals)
    groups = {
        interval: farm.feeds[number * per_group : (number + 1) * per_group]
        for number, interval in enumerate(args.intervals)
    }
    receiver = ChaosReceiver()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = asyncio.run_coroutine_threadsafe(receiver.start(), loop).result(10)
    stack = ChaosStack(work, receiver.port, args.broker_storage)
    if args.websub:
        port = free_port()
        stack.env.update(
            VIGIE_WEBSUB_CALLBACK_URL=f"http://127.0.0.1:{port}/websub",
            VIGIE_WEBSUB_PORT=str(port),
        )
    write_feeds(farm, groups, stack.feeds)
    clock: TopicClock | None = None
    try:
        stack.start()
        clock = TopicClock(stack.state()["kafka_bootstrap"])
        threading.Thread(target=clock.run, daemon=True).start()
        clock.ready.wait(60)
        # Warm-up: every feed polled once, and the stack has sent a first alert (the
        # background items), so the stream and alert workers are past their start.
        wait_for(lambda: farm.stats.requests >= len(farm.feeds), 120)
        if args.websub:
            wait_for(lambda: all(farm.subscribers.get(feed.url) for feed in farm.feeds), 120)
        wait_for(lambda: bool(receiver.accepted), 120)
        time.sleep(5)
        print(
            f"publishing {len(texts)} reports over {args.span:g}s into {args.feeds} feeds "
            f"(intervals {', '.join(f'{i:g}s' for i in args.intervals)}"
            f"{', pushed by WebSub' if args.websub else ''}); work dir {work}",
            flush=True,
        )
        published = publish_schedule(farm, groups, texts, args.items, args.span)
        ids = {item.item_id for _, item in published}
        offset = time.time() - time.monotonic()
        webhooks: dict[str, float] = {}

        def delivered() -> bool:
            for accepted in list(receiver.accepted):
                for item_id in accepted.item_ids:
                    webhooks.setdefault(item_id, accepted.at + offset)
            return ids <= set(webhooks)

        wait_for(delivered, max(args.intervals) * 2 + 60)
        delivered()
    finally:
        if clock is not None:
            clock.stop.set()
        stack.stop()
        farm.stop()
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    assert clock is not None
    seen = clock.seen
    text, met = table(
        published,
        {
            "item": seen["item"].get,
            "alert": seen["alert"].get,
            "webhook": webhooks.get,
        },
    )
    print(text)
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="20 items per interval over 60 s")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=None, help="reports per interval")
    parser.add_argument("--span", type=float, default=None, help="seconds to publish over")
    parser.add_argument(
        "--intervals", type=float, nargs="+", default=[60.0, 10.0], help="poll intervals"
    )
    parser.add_argument("--broker-storage", choices=("durable", "memory"), default="durable")
    parser.add_argument(
        "--websub", action="store_true", help="the farm is a WebSub hub: reports are pushed"
    )
    args = parser.parse_args()
    args.items = args.items or (20 if args.short else 60)
    args.span = args.span or (60.0 if args.short else 180.0)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
