"""Ingest bench: how many feeds one `vigie ingest` process keeps fresh, and at what cost.

Starts a memory broker and a Redis, a feed farm on 127.0.0.1 (``--hosts`` ports; 1% of the
feeds slow, 1% failing with 500, 1% throttled with 429 + Retry-After; a new item on some
feed every ``1000 / feeds`` seconds), and one `vigie ingest` process polling every feed every
``--interval`` seconds. After one and a half intervals of warm-up (every feed's first poll, a 200
each), it measures over ``--window`` seconds:

- polls/min: requests the farm answered (200, 304, 429, 500), per minute;
- CPU %: user + system time of the ingest process over the window (100% = one core);
- RSS: the ingest process's resident memory at the end;
- lag p50 / p99: how late polls started after they were due (the poller's
  ``vigie_feed_poll_lag_seconds`` histogram over the window, interpolated in its buckets);
- CPU/poll: CPU time per poll, the figure contention does not change; and the machine's load
  average (on a shared machine the lag says more about the neighbours than about ingest).

Run: ``.venv/bin/python bench/bench_ingest.py`` (1,000 / 5,000 / 10,000 feeds at 60 s, about
ten minutes), ``--feeds 10000`` for one size, ``--short`` (1,000 feeds at 10 s, under a
minute); ``--plot docs/ingest-cost.png`` draws the cost curve (needs the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from kernel.contracts import ALL_TOPICS  # noqa: E402
from vigie.embedded.broker import TansuBroker, create_topics  # noqa: E402
from vigie.embedded.feedfarm import FeedFarm  # noqa: E402
from vigie.embedded.ports import free_port  # noqa: E402
from vigie.embedded.redis import RedisServer  # noqa: E402

LAG_METRIC = "vigie_feed_poll_lag_seconds"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    """One size's row."""

    feeds: int
    interval_s: float
    polls_per_min: float
    share_304: float
    cpu_percent: float
    rss_mib: float
    lag_p50_s: float
    lag_p99_s: float
    #: The machine's 1-minute load average at the end: on 2 cores, above 2 means contention.
    load: float

    @property
    def cpu_ms_per_poll(self) -> float:
        """CPU time one poll costs the ingest process (what contention does not change)."""
        return self.cpu_percent * 10 / (self.polls_per_min / 60) if self.polls_per_min else 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def lag_buckets(metrics_url: str) -> list[tuple[float, float]]:
    """The lag histogram's cumulative buckets as ``(upper bound, count)``."""
    text = urllib.request.urlopen(metrics_url, timeout=10).read().decode()
    for family in text_string_to_metric_families(text):
        if family.name == LAG_METRIC:
            return [
                (float(sample.labels["le"]), sample.value)
                for sample in family.samples
                if sample.name.endswith("_bucket")
            ]
    return []


def bucket_quantile(share: float, buckets: list[tuple[float, float]]) -> float:
    """The ``share`` quantile of a cumulative histogram, linear within its bucket."""
    total = buckets[-1][1] if buckets else 0.0
    if total <= 0:
        return float("nan")
    rank = share * total
    lower, below = 0.0, 0.0
    for upper, count in buckets:
        if count >= rank:
            if upper == float("inf"):
                return lower
            inside = count - below
            return lower + (upper - lower) * ((rank - below) / inside if inside else 0.0)
        lower, below = upper, count
    return lower


def run_size(
    feeds: int, interval_s: float, window_s: float, hosts: int, work: Path, per_host: int
) -> Figures:
    """Farm + broker + Redis + one ingest process for ``feeds`` feeds; measure one window."""
    broker = TansuBroker(log_file=work / f"tansu-{feeds}.log")
    broker.start()
    create_topics(broker.bootstrap, ALL_TOPICS, 4)
    redis = RedisServer(work / f"redis-{feeds}", persist=False)
    redis.start()
    farm = FeedFarm(
        feeds,
        hosts=hosts,
        initial_items=1,
        rate=feeds / 1000,
        slow_share=0.01,
        failing_share=0.01,
        throttled_share=0.01,
    ).start()
    feeds_file = farm.write_feeds_file(work / f"feeds-{feeds}.yaml", interval_s)
    metrics_port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
    env.update(
        VIGIE_KAFKA_BOOTSTRAP=broker.bootstrap,
        VIGIE_REDIS_URL=redis.url,
        VIGIE_ALLOW_PRIVATE_TARGETS="1",
        VIGIE_INGEST_METRICS_PORT=str(metrics_port),
        VIGIE_POLL_PER_HOST=str(per_host),
        VIGIE_LOG_LEVEL="ERROR",
        VIGIE_DATA_DIR=str(work / "data"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "vigie", "ingest", "--feeds", str(feeds_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / f"ingest-{feeds}.log", "wb"),  # noqa: SIM115 - closed with the process
        cwd=ROOT,
    )
    metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        # Warm-up: every feed's first poll (spread over one interval, a 200 each) is over.
        time.sleep(interval_s * 1.5)
        if process.poll() is not None:
            raise RuntimeError(f"vigie ingest stopped; see {work / f'ingest-{feeds}.log'}")
        requests, not_modified = farm.stats.requests, farm.stats.answers[304]
        cpu, lag_before, started = cpu_seconds(process.pid), lag_buckets(metrics_url), time.time()
        time.sleep(window_s)
        elapsed = time.time() - started
        polls = farm.stats.requests - requests
        answered_304 = farm.stats.answers[304] - not_modified
        used = cpu_seconds(process.pid) - cpu
        lag_after = lag_buckets(metrics_url)
        memory = rss_mib(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        farm.stop()
        redis.stop()
        broker.stop()
    window = [
        (upper, after - before)
        for (upper, after), (_, before) in zip(lag_after, lag_before, strict=True)
    ]
    return Figures(
        feeds=feeds,
        interval_s=interval_s,
        polls_per_min=polls / elapsed * 60,
        share_304=answered_304 / polls if polls else 0.0,
        cpu_percent=used / elapsed * 100,
        rss_mib=memory,
        lag_p50_s=bucket_quantile(0.5, window),
        lag_p99_s=bucket_quantile(0.99, window),
        load=os.getloadavg()[0],
    )


def format_row(row: Figures) -> str:
    return (
        f"{row.feeds:>7,} {row.interval_s:>6.0f}s {row.polls_per_min:>10,.0f} "
        f"{row.share_304:>6.0%} {row.cpu_percent:>6.1f}% {row.rss_mib:>7.0f} MiB "
        f"{row.lag_p50_s * 1000:>8.1f} ms {row.lag_p99_s * 1000:>8.1f} ms "
        f"{row.cpu_ms_per_poll:>8.2f} ms {row.load:>5.1f}"
    )


def plot(rows: list[Figures], path: Path) -> None:
    """The cost curve: CPU, memory and lag against the number of feeds, as a small PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install -e '.[bench]'") from None
    feeds = [row.feeds for row in rows]
    figure, (cpu, memory, lag) = plt.subplots(1, 3, figsize=(10, 3), layout="constrained")
    cpu.plot(feeds, [row.cpu_percent for row in rows], "o-")
    cpu.set(title="CPU (% of one core)", xlabel="feeds polled every minute", ylim=(0, None))
    memory.plot(feeds, [row.rss_mib for row in rows], "o-", color="tab:green")
    memory.set(title="resident memory (MiB)", xlabel="feeds", ylim=(0, None))
    lag.plot(feeds, [row.lag_p50_s * 1000 for row in rows], "o-", label="p50")
    lag.plot(feeds, [row.lag_p99_s * 1000 for row in rows], "o-", label="p99")
    lag.set(title="poll start after due (ms)", xlabel="feeds", yscale="log")
    lag.legend()
    figure.suptitle("One `vigie ingest` process, 2 cores shared", fontsize=10)
    figure.savefig(path, dpi=100)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, action="append", help="feed count (repeatable)")
    parser.add_argument("--interval", type=float, default=None, help="poll interval, seconds")
    parser.add_argument("--window", type=float, default=None, help="measured seconds per size")
    parser.add_argument("--hosts", type=int, default=None, help="farm ports (default feeds/100)")
    parser.add_argument("--per-host", type=int, default=4, help="VIGIE_POLL_PER_HOST")
    parser.add_argument("--short", action="store_true", help="1,000 feeds at 10 s, quick")
    parser.add_argument("--plot", type=Path, default=None, help="write the cost curve (PNG)")
    args = parser.parse_args()
    sizes = args.feeds or ([1000] if args.short else [1000, 5000, 10000])
    interval = args.interval or (10.0 if args.short else 60.0)
    window = args.window or (20.0 if args.short else 120.0)
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-ingest-"))
    print(
        f"ingest bench: one `vigie ingest`, interval {interval:g}s, window {window:g}s, "
        f"{args.per_host} per host; work dir {work}",
        flush=True,
    )
    print(
        f"{'feeds':>7} {'every':>7} {'polls/min':>10} {'304':>6} {'CPU':>7} {'RSS':>11} "
        f"{'lag p50':>11} {'lag p99':>11} {'CPU/poll':>11} {'load':>5}",
        flush=True,
    )
    rows = []
    for feeds in sizes:
        hosts = args.hosts or max(1, feeds // 100)
        rows.append(run_size(feeds, interval, window, hosts, work, args.per_host))
        print(format_row(rows[-1]), flush=True)
    if args.plot:
        plot(rows, args.plot)
        print(f"cost curve written to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
