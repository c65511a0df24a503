"""`vigie ingest`: the feed poller process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

from kernel.settings import Settings

#: Redis connections one ingest process keeps; each poll holds one for a round trip at a time.
REDIS_CONNECTIONS = 64


def register(subparsers: Any) -> None:
    """Add the ``ingest`` subcommand."""
    parser = subparsers.add_parser("ingest", help="run the feed pollers (one process)")
    parser.add_argument(
        "--feeds", type=Path, default=None, help="feeds YAML file (default $VIGIE_FEEDS_FILE)"
    )
    parser.add_argument("--once", action="store_true", help="poll every feed once and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Poll the configured feeds until stopped."""
    from ingest.feeds import FeedConfigError, load_feeds
    from vigie.cli._common import egress_policy_or_exit, endpoints_or_exit, refused_feeds

    path = args.feeds or settings.feeds_file
    try:
        feeds = load_feeds(path, settings.poll_interval_s) if path else []
    except FeedConfigError as exc:
        print(f"vigie ingest: {exc}", file=sys.stderr)
        return 2
    egress = egress_policy_or_exit(settings, "vigie ingest")
    if egress is None:
        return 2
    # A feed the guard would refuse at every poll is a configuration error: say so at start.
    refused = refused_feeds(feeds, egress)
    if refused:
        print(f"vigie ingest: {path}: refused feed URL(s):", file=sys.stderr)
        for problem in refused:
            print(f"  {problem}", file=sys.stderr)
        return 2
    endpoints = endpoints_or_exit(settings, "vigie ingest")
    if endpoints is None:
        return 2
    return asyncio.run(
        _main(feeds, endpoints.kafka_bootstrap, endpoints.redis_url, settings, args.once, egress)
    )


async def _main(
    feeds: list[Any],
    bootstrap: str,
    redis_url: str,
    settings: Settings,
    once: bool,
    egress: Any,
) -> int:
    import redis.asyncio as aioredis

    from ingest.feed_store import FeedStore
    from ingest.poller import FeedPoller, PollPool
    from ingest.publisher import ItemPublisher
    from ingest.sources.base import FeedError, FetchLimits
    from kernel.ops import serve_ops
    from vigie.cli._common import stop_event_on_signals

    stop = stop_event_on_signals()
    # Polls wait their turn for a connection rather than fail when hundreds run at once.
    client = aioredis.Redis(
        connection_pool=aioredis.BlockingConnectionPool.from_url(
            redis_url, max_connections=REDIS_CONNECTIONS, timeout=30
        )
    )
    publisher = ItemPublisher(bootstrap)
    limits = FetchLimits(
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        deadline_s=settings.fetch_deadline_s,
        max_body_bytes=settings.max_body_bytes,
        user_agent=settings.user_agent,
        seen_ttl_s=settings.seen_ttl_days * 86400,
    )
    pool = PollPool(
        max_in_flight=settings.poll_in_flight,
        per_host=settings.poll_per_host,
    )
    # One pass of polls has no time to be pushed anything: --once never subscribes.
    websub = None if once else _websub(settings, limits, egress)
    poller = FeedPoller(
        feeds,
        redis=client,
        publisher=publisher,
        limits=limits,
        egress=egress,
        pool=pool,
        store=FeedStore(client, settings.poll_interval_s),
        websub=websub,
    )
    try:
        async with contextlib.AsyncExitStack() as serving:
            await serving.enter_async_context(
                serve_ops(settings.ingest_metrics_port, process="ingest", host=settings.bind)
            )
            if websub is not None:
                await serving.enter_async_context(
                    websub.serve(settings.websub_bind or settings.bind, settings.websub_port)
                )
            if once:
                failed = 0
                for feed in feeds:
                    try:
                        result = await poller.poll_once(feed)
                    except FeedError as exc:
                        failed += 1
                        print(f"{feed.name}: {exc.reason}: {exc}", file=sys.stderr)
                        continue
                    print(
                        f"{feed.name}: HTTP {result.status}, {result.produced} new of {result.fetched}",
                        file=sys.stderr,
                    )
                return 1 if failed else 0
            else:
                await poller.run(stop)
    finally:
        await poller.aclose()
        publisher.close()
        await client.aclose()
    return 0


def _websub(settings: Settings, limits: Any, egress: Any) -> Any:
    """The WebSub subscriber when ``VIGIE_WEBSUB_CALLBACK_URL`` is set, else ``None``."""
    if not settings.websub_callback_url:
        return None
    from ingest.websub_listener import WebSubOptions, WebSubSubscriber

    options = WebSubOptions(
        callback_url=settings.websub_callback_url,
        lease_s=settings.websub_lease_s,
        poll_interval_s=settings.websub_poll_interval_s,
    )
    return WebSubSubscriber(options, limits=limits, egress=egress)
