"""`vigie alerts`: run an alert worker (consume vigie.alerts, deliver to subscriptions)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from vigie.cli._common import egress_policy_or_exit, endpoints_or_exit, stop_event_on_signals


def register(subparsers: Any) -> None:
    """Add the `alerts` subcommand."""
    parser = subparsers.add_parser(
        "alerts",
        help="run an alert worker: deliver alerts to the console and subscriptions",
        description="Consume vigie.alerts and deliver each alert to matching subscriptions. "
        "With the console channel on, each alert is one JSON line on stdout; logs go to stderr.",
    )
    console = parser.add_mutually_exclusive_group()
    console.add_argument("--console", dest="console", action="store_true", default=None)
    console.add_argument(
        "--no-console", dest="console", action="store_false", help="do not print alerts to stdout"
    )
    parser.add_argument(
        "--subscriptions-file", type=Path, default=None, help="YAML file of subscriptions to upsert"
    )
    parser.add_argument("--metrics-port", type=int, default=None, help="port of /metrics (0: any)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace, settings: Any) -> int:
    from alerts.policy import DeliveryPolicy
    from alerts.subscriptions import SubscriptionInvalid
    from alerts.worker import run_alert_worker

    endpoints = endpoints_or_exit(settings, "vigie alerts")
    egress = egress_policy_or_exit(settings, "vigie alerts")
    if endpoints is None or egress is None:
        return 2
    subscriptions_file = args.subscriptions_file or settings.subscriptions_file
    if subscriptions_file and _refuses_declared(subscriptions_file, egress):
        return 2

    async def main() -> None:
        stop = stop_event_on_signals()
        await run_alert_worker(
            endpoints.kafka_bootstrap,
            endpoints.redis_url,
            policy=DeliveryPolicy.from_settings(settings),
            console=settings.console if args.console is None else args.console,
            console_lang=settings.console_lang,
            allow_private_targets=settings.allow_private_targets,
            egress=egress,
            subscriptions_file=subscriptions_file,
            metrics_port=(
                args.metrics_port if args.metrics_port is not None else settings.alerts_metrics_port
            ),
            bind=settings.bind,
            session_timeout_s=settings.session_timeout_s,
            stop=stop,
        )

    try:
        asyncio.run(main())
    except SubscriptionInvalid as exc:
        print(
            "vigie alerts: " + "\n  ".join([str(exc).split(":")[0], *exc.problems]), file=sys.stderr
        )
        return 2
    return 0


def _refuses_declared(path: Any, egress: Any) -> bool:
    """Refuse a subscriptions file whose channels the egress guard would refuse, naming each."""
    from alerts.guard import refused_subscriptions
    from alerts.subscription_store import load_subscriptions_file, parse_declared
    from alerts.subscriptions import SubscriptionInvalid

    try:
        declared = parse_declared(load_subscriptions_file(path))
    except SubscriptionInvalid:
        return False  # reported with every problem when the worker loads the file
    refused = asyncio.run(refused_subscriptions(declared, egress))
    for problem in refused:
        print(f"vigie alerts: {path}: {problem}", file=sys.stderr)
    return bool(refused)
