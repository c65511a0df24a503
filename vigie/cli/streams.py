"""`vigie streams`: one Faust stream worker (detect, dedup, alert)."""

from __future__ import annotations

import argparse
from typing import Any

from kernel.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``streams`` subcommand."""
    parser = subparsers.add_parser("streams", help="run one stream worker (Faust)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the stream worker until stopped."""
    from streams.app import StreamsConfig, run_worker
    from streams.dedup import DedupPolicy
    from vigie.cli._common import endpoints_or_exit

    endpoints = endpoints_or_exit(settings, "vigie streams")
    if endpoints is None:
        return 2
    config = StreamsConfig(
        kafka_bootstrap=endpoints.kafka_bootstrap,
        redis_url=endpoints.redis_url,
        partitions=settings.partitions,
        session_timeout_s=settings.session_timeout_s,
        metrics_port=settings.streams_metrics_port,
        bind=settings.bind,
    )
    policy = DedupPolicy.from_settings(settings)
    run_worker(config, policy, loglevel=settings.log_level.lower())
    return 0
