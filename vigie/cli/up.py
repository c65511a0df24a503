"""`vigie up`: start the embedded stack (broker, Redis, pollers, workers, status page)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from kernel.settings import Settings

log = logging.getLogger("vigie.up")


def register(subparsers: Any) -> None:
    """Add the ``up`` subcommand."""
    parser = subparsers.add_parser(
        "up",
        help="start the embedded stack on this machine",
        description="Start a Kafka-compatible broker, Redis, the feed pollers, a stream worker, "
        "an alert worker and the status page; stop them all on Ctrl-C or SIGTERM.",
    )
    parser.add_argument(
        "--demo", action="store_true", help="serve the bundled sample feeds locally"
    )
    parser.add_argument(
        "--feeds", type=Path, default=None, help="feeds YAML file (top-level feeds: list)"
    )
    parser.add_argument(
        "--run-for", type=float, default=None, metavar="SECONDS", help="stop cleanly after SECONDS"
    )
    parser.add_argument(
        "--partitions", type=int, default=None, help="partitions per topic (default 4)"
    )
    parser.add_argument("--no-console", action="store_true", help="do not print alerts on stdout")
    parser.add_argument(
        "--broker-storage",
        choices=("durable", "memory"),
        default=None,
        help="where the broker keeps its log: durable (default; a SeaweedFS store under the "
        "data directory, kept across crashes and restarts) or memory (lost when the broker "
        "stops; for throwaway runs). Also VIGIE_BROKER_STORAGE.",
    )
    parser.set_defaults(handler=run)


class _Stop(Exception):
    pass


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the stack, supervise it, and stop it on a signal or after ``--run-for``."""
    from vigie.embedded.stack import EmbeddedStack, StackOptions
    from vigie.runtime import read_state

    if args.partitions:
        settings = settings.model_copy(update={"partitions": args.partitions})
    if args.broker_storage:
        settings = settings.model_copy(update={"broker_storage": args.broker_storage})
    if args.feeds is not None and not args.feeds.is_file():
        print(f"vigie up: feeds file {args.feeds} does not exist", file=sys.stderr)
        return 2
    if not args.demo and _refuses_feeds(args.feeds or settings.feeds_file, settings):
        return 2
    previous = read_state(settings.state_file)
    if previous and _alive(previous.get("pid")):
        print(
            f"vigie up: a stack already runs from {settings.data_dir} (pid {previous['pid']})",
            file=sys.stderr,
        )
        return 1

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise _Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    stack = EmbeddedStack(
        settings, StackOptions(feeds_file=args.feeds, demo=args.demo, console=not args.no_console)
    )
    reason = "done"
    try:
        stack.start()
        state = stack.state()
        print(
            f"vigie: up. status page {state['urls']['status']} | broker {state['kafka_bootstrap']} "
            f"({settings.broker_storage} log) | redis {state['redis_url']} | logs in {stack.logs}",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + args.run_for if args.run_for else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.5)
            stack.check()
        reason = f"--run-for {args.run_for:g}s elapsed"
    except _Stop as stop:
        reason = f"received {stop}"
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print(f"vigie: stopping ({reason})", file=sys.stderr, flush=True)
        stack.stop()
        print("vigie: stopped", file=sys.stderr, flush=True)
    return 0


def _refuses_feeds(path: Path | None, settings: Settings) -> bool:
    """Check the feeds file as the ingest process will, before starting anything."""
    from ingest.feeds import FeedConfigError, load_feeds
    from vigie.cli._common import egress_policy_or_exit, refused_feeds

    egress = egress_policy_or_exit(settings, "vigie up")
    if egress is None:
        return True
    if path is None:
        return False
    try:
        feeds = load_feeds(path, settings.poll_interval_s)
    except FeedConfigError as exc:
        print(f"vigie up: {exc}", file=sys.stderr)
        return True
    refused = refused_feeds(feeds, egress)
    for problem in refused:
        print(f"vigie up: {path}: refused feed URL: {problem}", file=sys.stderr)
    return bool(refused)


def _alive(pid: Any) -> bool:
    import os

    try:
        os.kill(int(pid), 0)
    except (OSError, TypeError, ValueError):
        return False
    return True
