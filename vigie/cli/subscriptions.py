"""`vigie subscriptions add|edit|list|remove`: manage who gets which alerts through which channel."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from vigie.cli._common import Handler, guarded, with_redis_store

T = TypeVar("T")


def register(subparsers: Any) -> None:
    """Add the `subscriptions` subcommand."""
    parser = subparsers.add_parser("subscriptions", help="add, edit, list and remove subscriptions")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="add a subscription; prints it as one JSON object")
    _subscription_arguments(add, editing=False)
    add.set_defaults(handler=_add)

    edit = actions.add_parser(
        "edit",
        help="change some fields of a subscription; prints it as one JSON object",
        description="Only the options given change; a repeatable option given once or more "
        "replaces the whole list; --clear FIELD empties a field (a list, min-killed, secret).",
    )
    edit.add_argument("id")
    _subscription_arguments(edit, editing=True)
    pause = edit.add_mutually_exclusive_group()
    pause.add_argument("--pause", dest="paused", action="store_true", default=None)
    pause.add_argument("--resume", dest="paused", action="store_false")
    edit.add_argument(
        "--clear", action="append", default=[], metavar="FIELD", help="empty FIELD (repeatable)"
    )
    edit.set_defaults(handler=_edit)

    listing = actions.add_parser("list", help="print every subscription as JSON lines")
    listing.set_defaults(handler=_list)

    remove = actions.add_parser("remove", help="remove a subscription by id")
    remove.add_argument("id")
    remove.set_defaults(handler=_remove)

    template = actions.add_parser(
        "template",
        help="print a default template, to start a subscription's own from a copy",
        description="Without NAME, list the packaged templates of the default message; with "
        "NAME (title, body, or a listed file such as slack/alert.j2), print its source.",
    )
    template.add_argument("name", nargs="?", metavar="NAME")
    template.set_defaults(handler=_template)


def _subscription_arguments(parser: Any, *, editing: bool) -> None:
    """The options of a subscription's fields; when editing, an absent option changes nothing."""
    parser.add_argument(
        "--channel", required=not editing, help="channel URL, e.g. webhook+https://host/hook"
    )
    parser.add_argument("--name", default=None)
    parser.add_argument(
        "--kind",
        dest="kinds",
        action="append",
        default=None if editing else [],
        metavar="KIND",
        help="city_capture or casualty_report (repeatable)",
    )
    parser.add_argument(
        "--country",
        dest="countries",
        action="append",
        default=None if editing else [],
        metavar="CC",
        help="ISO country code (repeatable)",
    )
    parser.add_argument(
        "--city",
        dest="cities",
        action="append",
        default=None if editing else [],
        metavar="NAME",
        help="place name (repeatable)",
    )
    parser.add_argument(
        "--source-lang",
        dest="languages",
        action="append",
        default=None if editing else [],
        metavar="LANG",
        help="language of the reporting sources (repeatable)",
    )
    parser.add_argument(
        "--status",
        dest="statuses",
        action="append",
        default=None if editing else [],
        metavar="STATUS",
        help="accepted status: reported, claimed, disputed (repeatable)",
    )
    parser.add_argument("--min-killed", type=int, default=None)
    parser.add_argument("--min-sources", type=int, default=None)
    parser.add_argument("--lang", default=None, help="language of the messages: fr or en")
    parser.add_argument("--secret", default=None, help="HMAC key of the webhook signature")
    parser.add_argument(
        "--template-title",
        default=None,
        metavar="JINJA",
        help="Jinja2 template of the message title (docs/channels.md, Message templates)",
    )
    body = parser.add_mutually_exclusive_group()
    body.add_argument(
        "--template-body", default=None, metavar="JINJA", help="Jinja2 template of the message text"
    )
    body.add_argument(
        "--template",
        dest="template_file",
        default=None,
        metavar="FILE",
        help="read the Jinja2 template of the message text from FILE",
    )
    backfill = parser.add_mutually_exclusive_group()
    backfill.add_argument(
        "--include-backfill",
        dest="include_backfill",
        action="store_true",
        default=None,
        help="also send alerts of archives replayed with `vigie replay --backfill`",
    )
    if editing:
        backfill.add_argument(
            "--exclude-backfill",
            dest="include_backfill",
            action="store_false",
            help="stop sending alerts of replayed archives",
        )


def _template_changes(args: argparse.Namespace) -> dict[str, str]:
    """The template parts given on the command line (``--template FILE`` read)."""
    parts: dict[str, str] = {}
    if args.template_title is not None:
        parts["title"] = args.template_title
    if args.template_body is not None:
        parts["body"] = args.template_body
    if args.template_file is not None:
        from alerts.subscriptions import SubscriptionInvalid

        try:
            with open(args.template_file, encoding="utf-8") as file:
                parts["body"] = file.read()
        except OSError as exc:
            raise SubscriptionInvalid(
                [f"template.body: cannot read {exc.filename}: {exc.strerror}"]
            ) from None
    return parts


def _with_store(settings: Any, action: Callable[[Any], Awaitable[T]]) -> T:
    from alerts.subscription_store import RedisSubscriptionStore

    return with_redis_store(settings, RedisSubscriptionStore, action)


def _invalid() -> type[Exception]:
    from alerts.subscriptions import SubscriptionInvalid

    return SubscriptionInvalid


def _guarded(handler: Handler) -> Handler:
    return guarded("vigie subscriptions", "subscription", _invalid)(handler)


def _refused(channel: str, egress: Any) -> bool:
    """Whether the egress guard refuses ``channel`` (said on stderr)."""
    from alerts.errors import UnsafeTargetError
    from alerts.guard import check_channel_target

    try:
        asyncio.run(check_channel_target(channel, egress))
    except UnsafeTargetError as exc:
        print(f"vigie subscriptions: refused channel: {exc.reason}", file=sys.stderr)
        return True
    return False


@_guarded
def _add(args: argparse.Namespace, settings: Any) -> int:
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
        "template": _template_changes(args) or None,
        "include_backfill": args.include_backfill,
    }
    egress = egress_policy_or_exit(settings, "vigie subscriptions")
    if egress is None:
        return 2
    subscription = build_subscription(fields)
    if _refused(subscription.channel, egress):
        return 2
    _with_store(settings, lambda store: store.put(subscription))
    print(json.dumps(subscription.public_dict(), ensure_ascii=False), flush=True)
    return 0


#: Fields `--clear` may empty, and the value that empties each.
CLEARABLE: dict[str, Any] = {
    "kinds": [],
    "countries": [],
    "cities": [],
    "languages": [],
    "statuses": [],
    "min_killed": None,
    "secret": None,
    "name": None,
    "template": None,
}


@_guarded
def _edit(args: argparse.Namespace, settings: Any) -> int:
    from alerts.subscriptions import SubscriptionInvalid, edit_subscription
    from vigie.cli._common import egress_policy_or_exit

    names = ["channel", "name", "kinds", "countries", "cities", "languages", "statuses"]
    names += ["min_killed", "min_sources", "lang", "secret", "paused", "include_backfill"]
    changes = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    template = _template_changes(args)
    for name in args.clear:
        field = name.replace("-", "_")
        if field not in CLEARABLE:
            raise SubscriptionInvalid([f"--clear {name}: one of {', '.join(sorted(CLEARABLE))}"])
        changes[field] = CLEARABLE[field]
    if not changes and not template:
        print("vigie subscriptions: nothing to change (see `edit --help`)", file=sys.stderr)
        return 2
    egress = egress_policy_or_exit(settings, "vigie subscriptions")
    if egress is None:
        return 2
    current = _with_store(settings, lambda store: store.get(args.id))
    if current is None:
        print(f"vigie subscriptions: no subscription with id {args.id!r}", file=sys.stderr)
        return 1
    if template:
        # The parts not given keep their current text.
        kept = current.template.model_dump() if current.template else {}
        changes["template"] = {**kept, **template}
    edited = edit_subscription(current, changes)
    if edited.channel != current.channel and _refused(edited.channel, egress):
        return 2
    _with_store(settings, lambda store: store.put(edited))
    print(json.dumps(edited.public_dict(), ensure_ascii=False), flush=True)
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


def _template(args: argparse.Namespace, settings: Any) -> int:
    from alerts.templating import packaged_sources

    sources = packaged_sources()
    if args.name is None:
        print("\n".join(sources))
        return 0
    name = f"default/{args.name}.j2" if args.name in ("title", "body") else args.name
    if name not in sources:
        known = ", ".join(["title", "body", *sources])
        print(f"vigie subscriptions: no template {args.name!r}; known: {known}", file=sys.stderr)
        return 2
    sys.stdout.write(sources[name])
    return 0
