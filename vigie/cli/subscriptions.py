"""`vigie subscriptions add|list|remove`: manage who gets which alerts through which channel."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from vigie.runtime import StackNotFound, resolve_endpoints

T = TypeVar("T")


def register(subparsers: Any) -> None:
    """Add the `subscriptions` subcommand."""
    parser = subparsers.add_parser("subscriptions", help="add, list and remove subscriptions")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="add a subscription; prints it as one JSON object")
    add.add_argument("--channel", required=True, help="channel URL, e.g. webhook+https://host/hook")
    add.add_argument("--name", default=None)
    add.add_argument(
        "--kind",
        dest="kinds",
        action="append",
        default=[],
        metavar="KIND",
        help="city_capture or casualty_report (repeatable)",
    )
    add.add_argument(
        "--country",
        dest="countries",
        action="append",
        default=[],
        metavar="CC",
        help="ISO country code (repeatable)",
    )
    add.add_argument(
        "--city",
        dest="cities",
        action="append",
        default=[],
        metavar="NAME",
        help="place name (repeatable)",
    )
    add.add_argument(
        "--source-lang",
        dest="languages",
        action="append",
        default=[],
        metavar="LANG",
        help="language of the reporting sources (repeatable)",
    )
    add.add_argument(
        "--status",
        dest="statuses",
        action="append",
        default=[],
        metavar="STATUS",
        help="accepted status: reported, claimed, disputed (repeatable)",
    )
    add.add_argument("--min-killed", type=int, default=None)
    add.add_argument("--min-sources", type=int, default=None)
    add.add_argument("--lang", default=None, help="language of the messages: fr or en")
    add.add_argument("--secret", default=None, help="HMAC key of the webhook signature")
    add.add_argument(
        "--include-backfill",
        action="store_true",
        default=None,
        help="also send alerts of archives replayed with `vigie replay --backfill`",
    )
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="print every subscription as JSON lines")
    listing.set_defaults(handler=_list)

    remove = actions.add_parser("remove", help="remove a subscription by id")
    remove.add_argument("id")
    remove.set_defaults(handler=_remove)


def _with_store(settings: Any, action: Callable[[Any], Awaitable[T]]) -> T:
    import redis.asyncio as aioredis

    from alerts.subscription_store import RedisSubscriptionStore

    redis_url = resolve_endpoints(settings).redis_url

    async def main() -> T:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await action(RedisSubscriptionStore(client))
        finally:
            await client.aclose()

    return asyncio.run(main())


def _guarded(
    handler: Callable[[argparse.Namespace, Any], int],
) -> Callable[[argparse.Namespace, Any], int]:
    def run(args: argparse.Namespace, settings: Any) -> int:
        from alerts.subscriptions import SubscriptionInvalid

        try:
            return handler(args, settings)
        except StackNotFound as exc:
            print(f"vigie subscriptions: {exc}", file=sys.stderr)
            return 2
        except SubscriptionInvalid as exc:
            print("vigie subscriptions: invalid subscription:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2

    return run


@_guarded
def _add(args: argparse.Namespace, settings: Any) -> int:
    from alerts.errors import UnsafeTargetError
    from alerts.guard import check_channel_target
    from alerts.subscriptions import build_subscription
    from vigie.cli._common import egress_policy_or_exit

    fields = {
        "channel": args.channel,
        "name": args.name,
        "kinds": args.kinds,
        "countries": args.countries,
        "cities": args.cities,
        "languages": args.languages,
        "statuses": args.statuses,
        "min_killed": args.min_killed,
        "min_sources": args.min_sources,
        "lang": args.lang,
        "secret": args.secret,
        "include_backfill": args.include_backfill,
    }
    egress = egress_policy_or_exit(settings, "vigie subscriptions")
    if egress is None:
        return 2
    subscription = build_subscription(fields)
    try:
        asyncio.run(check_channel_target(subscription.channel, egress))
    except UnsafeTargetError as exc:
        print(f"vigie subscriptions: refused channel: {exc.reason}", file=sys.stderr)
        return 2
    _with_store(settings, lambda store: store.put(subscription))
    print(json.dumps(subscription.public_dict(), ensure_ascii=False), flush=True)
    return 0


@_guarded
def _list(args: argparse.Namespace, settings: Any) -> int:
    for subscription in _with_store(settings, lambda store: store.all()):
        print(json.dumps(subscription.public_dict(), ensure_ascii=False))
    sys.stdout.flush()
    return 0


@_guarded
def _remove(args: argparse.Namespace, settings: Any) -> int:
    if _with_store(settings, lambda store: store.remove(args.id)):
        print(json.dumps({"removed": args.id}))
        return 0
    print(f"vigie subscriptions: no subscription with id {args.id!r}", file=sys.stderr)
    return 1
