"""`vigie dead list|retry`: show deliveries that failed for good, and send them again."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
from typing import Any

from vigie.cli._common import egress_policy_or_exit, endpoints_or_exit


def register(subparsers: Any) -> None:
    """Add the `dead` subcommand."""
    parser = subparsers.add_parser("dead", help="list and re-send dead letters")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="print dead letters as JSON lines, newest first")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--full", action="store_true", help="print whole records with the alerts")
    listing.set_defaults(handler=_list)
    retry = actions.add_parser("retry", help="send dead letters again; prints one result per line")
    retry.add_argument(
        "ids", nargs="*", metavar="ID", help="dead letter ids (see `vigie dead list`)"
    )
    retry.add_argument("--all", action="store_true", help="retry every dead letter")
    retry.add_argument("--attempts", type=int, default=3, help="tries per letter (default 3)")
    retry.set_defaults(handler=_retry)


def _redis_url(settings: Any) -> str | None:
    endpoints = endpoints_or_exit(settings, "vigie dead")
    return endpoints.redis_url if endpoints else None


def _list(args: argparse.Namespace, settings: Any) -> int:
    import redis.asyncio as aioredis

    from alerts.dead import RedisDeadLetterStore

    redis_url = _redis_url(settings)
    if redis_url is None:
        return 2

    async def main() -> list[Any]:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await RedisDeadLetterStore(client).newest(args.limit)
        finally:
            await client.aclose()

    for letter in asyncio.run(main()):
        record = letter.to_dict() if args.full else letter.summary()
        print(json.dumps(record, ensure_ascii=False))
    sys.stdout.flush()
    return 0


def _retry(args: argparse.Namespace, settings: Any) -> int:
    import redis.asyncio as aioredis

    from alerts.policy import DeliveryPolicy
    from alerts.resend import resend_dead_letters

    if not args.ids and not args.all:
        print("vigie dead retry: give dead letter ids, or --all", file=sys.stderr)
        return 2
    redis_url = _redis_url(settings)
    if redis_url is None:
        return 2
    policy = replace(DeliveryPolicy.from_settings(settings), attempts=max(1, args.attempts))
    egress = egress_policy_or_exit(settings, "vigie dead")
    if egress is None:
        return 2

    async def main() -> list[dict[str, Any]]:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await resend_dead_letters(
                client,
                None if args.all else list(args.ids),
                policy=policy,
                allow_private=settings.allow_private_targets,
                egress=egress,
                stdout=sys.stderr,
            )
        finally:
            await client.aclose()

    results = asyncio.run(main())
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    sys.stdout.flush()
    return 0 if all(result["outcome"] == "delivered" for result in results) else 1
