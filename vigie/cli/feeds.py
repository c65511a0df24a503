"""`vigie feeds add|list|pause|resume|remove`: change the feeds polled without a restart."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from vigie.cli._common import Handler, guarded, with_redis_store

T = TypeVar("T")


def register(subparsers: Any) -> None:
    """Add the `feeds` subcommand."""
    parser = subparsers.add_parser(
        "feeds",
        help="add, list, pause, resume and remove the feeds polled",
        description="Feeds are kept in Redis: the running poller picks a change up within one "
        "poll interval (30 s at most). The feeds file adds its feeds at start when absent.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="add a feed; prints it as one JSON object")
    add.add_argument("name", help="1-64 letters, digits, '_', '-' or '.'")
    add.add_argument("url", help="http:// or https:// URL of the feed")
    add.add_argument("--lang", default=None, help="language of the feed (default: detected)")
    add.add_argument("--interval", default=None, help="seconds between polls")
    add.add_argument("--format", default=None, help="kind of source (default rss: RSS and Atom)")
    add.add_argument("--paused", action="store_true", help="add it paused")
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="print the feeds as JSON lines, oldest first")
    listing.set_defaults(handler=_list)

    for action, paused, text in (("pause", True, "stop polling"), ("resume", False, "poll again")):
        command = actions.add_parser(action, help=f"{text} a feed")
        command.add_argument("name")
        command.set_defaults(handler=_pause, paused=paused)

    remove = actions.add_parser("remove", help="remove a feed (a poll in flight finishes)")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)


def _with_store(settings: Any, action: Callable[[Any], Awaitable[T]]) -> T:
    from ingest.feed_store import FeedStore

    def store(client: Any) -> FeedStore:
        return FeedStore(client, settings.poll_interval_s)

    return with_redis_store(settings, store, action)


def _invalid() -> type[Exception]:
    from ingest.feeds import FeedConfigError

    return FeedConfigError


def _guarded(handler: Handler) -> Handler:
    return guarded("vigie feeds", "feed", _invalid)(handler)


@_guarded
def _add(args: argparse.Namespace, settings: Any) -> int:
    from ingest.feeds import FeedConfigError, build_feed
    from vigie.cli._common import egress_policy_or_exit, refused_feeds

    data: dict[str, Any] = {"name": args.name, "url": args.url, "paused": args.paused}
    data.update(
        {key: value for key in ("lang", "interval", "format") if (value := getattr(args, key))}
    )
    egress = egress_policy_or_exit(settings, "vigie feeds")
    if egress is None:
        return 2
    spec = build_feed({key: value for key, value in data.items() if key != "paused"})
    refused = refused_feeds([spec], egress)
    if refused:
        raise FeedConfigError("url: refused target: " + refused[0].split(": ", 1)[1])
    feed = _with_store(settings, lambda store: store.add(data))
    print(json.dumps(feed.to_dict(), ensure_ascii=False), flush=True)
    return 0


@_guarded
def _list(args: argparse.Namespace, settings: Any) -> int:
    for feed in _with_store(settings, lambda store: store.all()):
        print(json.dumps(feed.to_dict(), ensure_ascii=False))
    sys.stdout.flush()
    return 0


@_guarded
def _pause(args: argparse.Namespace, settings: Any) -> int:
    feed = _with_store(settings, lambda store: store.set_paused(args.name, args.paused))
    if feed is None:
        print(f"vigie feeds: no feed named {args.name!r}", file=sys.stderr)
        return 1
    print(json.dumps(feed.to_dict(), ensure_ascii=False), flush=True)
    return 0


@_guarded
def _remove(args: argparse.Namespace, settings: Any) -> int:
    if not _with_store(settings, lambda store: store.remove(args.name)):
        print(f"vigie feeds: no feed named {args.name!r}", file=sys.stderr)
        return 1
    print(f"removed feed {args.name}", file=sys.stderr)
    return 0
