"""`vigie status`: one screen about the running stack (feeds, throughput, lag, alerts, dead letters)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from kernel.settings import Settings
from kernel.vocabulary import kind_spec

#: How long one reading of the consumer lag may take before the summary goes without it.
LAG_TIMEOUT_S = 10.0
ALERTS_ON_SCREEN = 5
DEAD_ON_SCREEN = 3


def register(subparsers: Any) -> None:
    """Add the ``status`` subcommand."""
    parser = subparsers.add_parser(
        "status",
        help="one-screen summary of the running stack",
        description="Feeds, throughput over the last hour, consumer lag, the latest alerts "
        "and dead letters of the running stack, read from its Redis and broker.",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (with the URLs of the status page and every /metrics)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the summary; 2 when no running stack is found, 1 when its Redis does not answer."""
    from vigie.cli._common import endpoints_or_exit
    from vigie.cli.web import stack_urls

    endpoints = endpoints_or_exit(settings, "vigie status")
    if endpoints is None:
        return 2
    try:
        status = asyncio.run(_gather(endpoints.kafka_bootstrap, endpoints.redis_url))
    except Exception as exc:
        print(f"vigie status: cannot read {endpoints.redis_url}: {exc}", file=sys.stderr)
        return 1
    status["urls"] = stack_urls(settings)
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
    else:
        from rich.console import Console

        Console(width=terminal_width()).print(render(status))
    return 0


#: Width when no terminal is attached at all (output to a file, cron): wide, headlines wrap.
DETACHED_WIDTH = 160


def terminal_width() -> int:
    """The width of the terminal the user looks at, even when stdout goes to a pipe.

    ``COLUMNS`` first, then whichever of stdout, stderr and stdin is a terminal; rich alone
    falls back to 80 columns as soon as stdout is piped (`vigie status | less`).
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            continue
    return DETACHED_WIDTH


async def _gather(bootstrap: str, redis_url: str) -> dict[str, Any]:
    import redis.asyncio as aioredis

    from kernel.ops import ConsumerLagReporter
    from vigie.web.status import gather_status

    lag = ConsumerLagReporter(bootstrap)
    try:
        reading = await asyncio.wait_for(lag.measure_once(), LAG_TIMEOUT_S)
    except TimeoutError:
        reading = None
    finally:
        lag.close()
    client = aioredis.Redis.from_url(redis_url)
    try:
        return await gather_status(client, lag=reading)
    finally:
        await client.aclose()


def _ago(seconds: float | None, now: float) -> str:
    if seconds is None:
        return "—"
    delta = round(seconds - now)
    size = abs(delta)
    text = f"{size}s" if size < 60 else f"{size // 60}m" if size < 3600 else f"{size / 3600:.1f}h"
    return f"in {text}" if delta >= 0 else f"{text} ago"


def _toll(alert: Mapping[str, Any]) -> str:
    about = "~" if alert.get("approximate") else ""
    parts = [
        f"{about}{alert[key]} {key}" for key in ("killed", "wounded") if alert.get(key) is not None
    ]
    return "\n".join(parts)


def _table(title: str) -> Any:
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        expand=True,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )


def render(status: Mapping[str, Any]) -> Any:
    """The summary as a rich renderable (pure: no IO)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from vigie.web.status import sparkline

    now = float(status.get("generated_at") or time.time())
    urls = status.get("urls") or {}
    header = Text.assemble(("Vigie", "bold"), "  status page ", (urls.get("status", "—"), "cyan"))

    throughput = status["throughput"]
    flow = Table.grid(padding=(0, 2))
    flow.add_column(style="dim")
    flow.add_column(justify="right")
    flow.add_column()
    for name, counts in throughput["series"].items():
        flow.add_row(name, str(throughput["totals"][name]), sparkline(counts))

    feeds = _table("feeds")
    for column in ("feed", "state", "last success", "last error", "HTTP", "items/h", "next poll"):
        feeds.add_column(
            column, no_wrap=True, overflow="ellipsis", ratio=2 if column == "last error" else None
        )
    styles = {"ok": "green", "error": "red", "late": "yellow"}
    for feed in status["feeds"]:
        feeds.add_row(
            f"{feed['name']} ({feed['lang'] or '?'})",
            Text(feed["state"], style=styles.get(feed["state"], "dim")),
            _ago(feed["last_success_at"], now),
            Text(feed["last_error"] or "—", style="red" if feed["last_error"] else "dim"),
            str(feed["http_status"] or "—"),
            "—" if feed["items_last_hour"] is None else str(feed["items_last_hour"]),
            _ago(feed["next_poll_at"], now),
        )

    lag = status["lag"]
    lag_line = Text("lag  ", style="dim")
    lag_line.append(
        "  ".join(f"{group} {entry['lag']}" for group, entry in lag["groups"].items()) or "—"
    )
    if lag["error"]:
        lag_line.append(f"  ({lag['error']})", style="yellow")

    alerts = _table("latest alerts")
    for column in ("seen", "kind", "place", "toll"):
        alerts.add_column(column, no_wrap=True, overflow="ellipsis")
    # Headlines wrap rather than lose their end: the toll is often the last words.
    alerts.add_column("headline (fr / en)", overflow="fold", min_width=24, ratio=1)
    alerts.add_column("sources", no_wrap=True, overflow="ellipsis", max_width=24)
    for alert in status["alerts"][:ALERTS_ON_SCREEN]:
        seen = alert.get("first_seen")
        alerts.add_row(
            _ago(_parse_time(seen), now),
            _kind(alert["kind"]) + (f" r{alert['revision']}" if alert["revision"] else ""),
            f"{alert['place']} {alert['country']}".strip(),
            _toll(alert),
            f"{alert['headline']['fr']}\n{alert['headline']['en']}",
            "\n".join(source["source"] for source in alert["sources"]),
        )

    parts: list[Any] = [header, flow, feeds, lag_line, alerts]
    dead = status["dead"]
    if dead:
        parts.append(Text(f"dead letters: {len(dead)} recent", style="bold red"))
        for letter in dead[:DEAD_ON_SCREEN]:
            parts.append(
                Text(f"  {letter['channel']} {letter['subscription_id']}: {letter['reason']}")
            )
    else:
        parts.append(Text("dead letters: none", style="dim"))
    return Group(*parts)


def _parse_time(value: Any) -> float | None:
    from kernel.clock import parse_time

    parsed = parse_time(value) if value else None
    return parsed.timestamp() if parsed else None


def _kind(kind: str) -> str:
    spec = kind_spec(kind)
    return spec.short if spec else kind
