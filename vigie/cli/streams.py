"""`vigie streams`: one Faust stream worker (detect, dedup, alert)."""

from __future__ import annotations

import argparse
from typing import Any

from vigie.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``streams`` subcommand."""
    parser = subparsers.add_parser("streams", help="run one stream worker (Faust)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the stream worker until stopped."""
    from streams.dedup import DedupPolicy

    from streams.app import StreamsConfig, run_worker
    from vigie.cli._common import endpoints_or_exit

    endpoints = endpoints_or_exit(settings)
    if endpoints is None:
        return 2
    config = StreamsConfig(
        kafka_bootstrap=endpoints.kafka_bootstrap,
        redis_url=endpoints.redis_url,
        partitions=settings.partitions,
        session_timeout_s=settings.session_timeout_s,
        metrics_port=settings.streams_metrics_port,
    )
    policy = DedupPolicy(
        capture_window_hours=settings.capture_window_hours,
        casualty_window_hours=settings.casualty_window_hours,
        event_ttl_days=settings.event_ttl_days,
        revision_min_ratio=settings.revision_min_ratio,
        revision_min_count=settings.revision_min_count,
        near_duplicate_threshold=settings.near_duplicate_threshold,
    )
    run_worker(config, policy, loglevel=settings.log_level.lower())
    return 0
