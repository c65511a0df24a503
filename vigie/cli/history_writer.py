"""`vigie history-writer`: keep every alert of vigie.alerts in the history database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from kernel.settings import Settings
from vigie.cli._common import endpoints_or_exit, stop_event_on_signals


def register(subparsers: Any) -> None:
    """Add the `history-writer` subcommand."""
    parser = subparsers.add_parser(
        "history-writer",
        help="run the history writer: keep every alert and revision in the history database",
        description="Consume vigie.alerts in its own group and keep every alert, revision, "
        "source and evidence sentence in the history database (VIGIE_HISTORY_URL, else "
        "history.db in the data directory). Safe to restart: a revision is kept once.",
    )
    parser.add_argument("--metrics-port", type=int, default=None, help="port of /metrics (0: any)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write until SIGINT or SIGTERM."""
    from alerts.history.consumer import run_history_writer
    from alerts.policy import DeliveryPolicy

    endpoints = endpoints_or_exit(settings, "vigie history-writer")
    if endpoints is None:
        return 2

    async def main() -> None:
        await run_history_writer(
            endpoints.kafka_bootstrap,
            settings.history_database,
            policy=DeliveryPolicy.from_settings(settings),
            metrics_port=(
                args.metrics_port
                if args.metrics_port is not None
                else settings.history_metrics_port
            ),
            bind=settings.bind,
            session_timeout_s=settings.session_timeout_s,
            stop=stop_event_on_signals(),
        )

    try:
        asyncio.run(main())
    except OSError as exc:
        print(f"vigie history-writer: {exc}", file=sys.stderr)
        return 1
    return 0
