"""`vigie silences add|list|expire`: stop delivering the alerts that match, for a while."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from vigie.cli._common import Handler, guarded, with_redis_store

T = TypeVar("T")
DEFAULT_DURATION = "2h"


def register(subparsers: Any) -> None:
    """Add the `silences` subcommand."""
    parser = subparsers.add_parser(
        "silences",
        help="add, list and expire silences (matching alerts are not delivered)",
        description="A silence stops the delivery of every alert all its matchers accept, "
        "from its start to its end. Matchers: kind, country, place, source, status, written "
        "name=value, name!=value or name=~regex (case-insensitive).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="add a silence; prints it as one JSON object")
    add.add_argument(
        "matchers", nargs="+", metavar="MATCHER", help="e.g. country=SY kind=city_capture"
    )
    add.add_argument("--comment", "-c", required=True, help="why (shown to other operators)")
    until = add.add_mutually_exclusive_group()
    until.add_argument(
        "--duration", "-d", default=None, help=f"e.g. 90m, 2h, 7d (default {DEFAULT_DURATION})"
    )
    until.add_argument("--ends", default=None, help="end time, ISO 8601 (UTC if no offset)")
    add.add_argument("--starts", default=None, help="start time, ISO 8601 (default: now)")
    add.add_argument("--author", default=None, help="who adds it (default: the user name)")
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="print silences as JSON lines, newest first")
    listing.add_argument("--expired", action="store_true", help="list expired silences too")
    listing.set_defaults(handler=_list)

    expire = actions.add_parser("expire", help="end a silence now")
    expire.add_argument("id")
    expire.set_defaults(handler=_expire)


def _with_store(settings: Any, action: Callable[[Any], Awaitable[T]]) -> T:
    from alerts.silence_store import RedisSilenceStore

    return with_redis_store(settings, RedisSilenceStore, action)


def _invalid() -> type[Exception]:
    from alerts.silences import SilenceInvalid

    return SilenceInvalid


def _guarded(handler: Handler) -> Handler:
    return guarded("vigie silences", "silence", _invalid)(handler)


def _time(text: str | None, option: str) -> datetime | None:
    from alerts.silences import SilenceInvalid

    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SilenceInvalid([f"{option}: {exc}"]) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@_guarded
def _add(args: argparse.Namespace, settings: Any) -> int:
    from alerts.silences import SilenceInvalid, build_silence, parse_duration, parse_matcher

    now = datetime.now(UTC)
    matchers = [parse_matcher(text).model_dump() for text in args.matchers]
    starts_at = _time(args.starts, "--starts")
    ends_at = _time(args.ends, "--ends")
    if ends_at is None:
        try:
            ends_at = (starts_at or now) + parse_duration(args.duration or DEFAULT_DURATION)
        except ValueError as exc:
            raise SilenceInvalid([f"--duration: {exc}"]) from exc
    silence = build_silence(
        {
            "matchers": matchers,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "comment": args.comment,
            "created_by": args.author or getpass.getuser(),
        },
        now=now,
    )
    _with_store(settings, lambda store: store.put(silence))
    print(json.dumps(silence.public_dict(now), ensure_ascii=False), flush=True)
    return 0


@_guarded
def _list(args: argparse.Namespace, settings: Any) -> int:
    now = datetime.now(UTC)
    for silence in _with_store(settings, lambda store: store.all()):
        if args.expired or silence.state(now) != "expired":
            print(json.dumps(silence.public_dict(now), ensure_ascii=False))
    sys.stdout.flush()
    return 0


@_guarded
def _expire(args: argparse.Namespace, settings: Any) -> int:
    now = datetime.now(UTC)
    silence = _with_store(settings, lambda store: store.expire(args.id, now))
    if silence is None:
        print(f"vigie silences: no silence with id {args.id!r}", file=sys.stderr)
        return 1
    print(json.dumps(silence.public_dict(now), ensure_ascii=False), flush=True)
    return 0
