"""`vigie web`: the operator web process (status page, status JSON, subscriptions API, metrics)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from kernel.settings import Settings
from vigie.cli._common import egress_policy_or_exit, endpoints_or_exit
from vigie.runtime import StackNotFound, resolve_endpoints


def register(subparsers: Any) -> None:
    """Add the ``web`` subcommand."""
    parser = subparsers.add_parser(
        "web",
        help="serve the status page, the HTTP API and /metrics",
        description="Serve the status page at /, its data at /api/status, the subscriptions "
        "API under /api/v1, and /metrics, /healthz, /readyz, on VIGIE_STATUS_PORT (8470).",
    )
    parser.add_argument("--port", type=int, default=None, help="port (default $VIGIE_STATUS_PORT)")
    parser.add_argument(
        "--host",
        default=None,
        help="address to listen on (default $VIGIE_BIND, 127.0.0.1); beyond loopback it needs "
        "VIGIE_API_TOKEN",
    )
    parser.set_defaults(handler=run)


def default_urls(settings: Settings, host: str = "127.0.0.1") -> dict[str, str]:
    """The stack's URLs as the port settings describe them (no `vigie up` state file)."""
    urls = {"status": f"http://{host}:{settings.status_port}/"}
    for name, port in (
        ("broker", settings.broker_metrics_port),
        ("ingest", settings.ingest_metrics_port),
        ("streams", settings.streams_metrics_port),
        ("alerts", settings.alerts_metrics_port),
        ("history-writer", settings.history_metrics_port),
        ("web", settings.status_port),
    ):
        urls[f"metrics_{name}"] = f"http://{host}:{port}/metrics"
    return urls


def stack_urls(settings: Settings) -> dict[str, str]:
    """URLs of the running stack: from `vigie up`'s state file, else from the port settings."""
    try:
        urls = resolve_endpoints(settings).urls
    except StackNotFound:
        urls = {}
    return dict(urls) or default_urls(settings)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until SIGINT or SIGTERM."""
    from vigie.web.app import WebConfig, WebConfigError, exposure_problem, run_web

    host = args.host or settings.bind
    token = settings.api_token.get_secret_value() if settings.api_token else None
    problem = exposure_problem(host, token)
    if problem:
        print(f"vigie web: refusing to start: {problem}", file=sys.stderr)
        return 2
    egress = egress_policy_or_exit(settings, "vigie web")
    endpoints = endpoints_or_exit(settings, "vigie web")
    if endpoints is None or egress is None:
        return 2
    config = WebConfig(
        kafka_bootstrap=endpoints.kafka_bootstrap,
        redis_url=endpoints.redis_url,
        port=settings.status_port if args.port is None else args.port,
        host=host,
        api_token=token,
        egress=egress,
        feed_interval_s=settings.poll_interval_s,
        urls=lambda: stack_urls(settings),
        history_url=settings.history_database,
    )

    async def main() -> None:
        from vigie.cli._common import stop_event_on_signals

        await run_web(config, stop_event_on_signals())

    try:
        asyncio.run(main())
    except WebConfigError as exc:
        print(f"vigie web: refusing to start: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"vigie web: {exc}", file=sys.stderr)
        return 1
    return 0
