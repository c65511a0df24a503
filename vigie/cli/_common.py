"""Helpers shared by the subcommands: finding the stack, waiting for a stop signal."""

from __future__ import annotations

import argparse
import asyncio
import io
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from kernel.settings import Settings
from vigie.runtime import Endpoints, StackNotFound, resolve_endpoints

if TYPE_CHECKING:
    from ingest.egress import EgressPolicy

T = TypeVar("T")
Handler = Callable[[argparse.Namespace, Any], int]


def endpoints_or_exit(settings: Settings, command: str = "vigie") -> Endpoints | None:
    """The running stack's endpoints, or ``None`` after printing why none was found."""
    try:
        return resolve_endpoints(settings)
    except StackNotFound as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return None


def stop_event_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, for a long-running process's main loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


@contextmanager
def open_input(path: str) -> Iterator[TextIO]:
    """The named UTF-8 file, or stdin for ``-``; only a file we opened is closed.

    Bytes that are not UTF-8 come through as lone surrogates (``surrogateescape``) so the
    reader reports the line that holds them instead of stopping the whole run.
    """
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # already text (a test's StringIO): nothing to decode
            yield sys.stdin
            return
        stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="surrogateescape")
        try:
            yield stream
        finally:
            stream.detach()  # leave the process's stdin open
        return
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        yield handle


def egress_policy_or_exit(settings: Settings, command: str = "vigie") -> EgressPolicy | None:
    """The egress policy the settings describe, or ``None`` after printing a bad entry."""
    from ingest.egress import EgressPolicy

    try:
        return EgressPolicy.parse(
            settings.allowed_targets, allow_private=settings.allow_private_targets
        )
    except ValueError as exc:
        print(f"{command}: VIGIE_ALLOWED_TARGETS: {exc}", file=sys.stderr)
        return None


def refused_feeds(feeds: list[Any], egress: EgressPolicy) -> list[str]:
    """``feeds[i] (name): why`` for each feed whose URL the egress guard would refuse."""
    from ingest.egress_net import refused_urls

    entries = [(f"feeds[{index}] ({feed.name})", feed.url) for index, feed in enumerate(feeds)]
    return asyncio.run(refused_urls(entries, egress))


def with_redis_store(
    settings: Settings, store_class: Any, action: Callable[[Any], Awaitable[T]]
) -> T:
    """Run ``action`` on a ``store_class`` over the running stack's Redis, then close the client."""
    import redis.asyncio as aioredis

    redis_url = resolve_endpoints(settings).redis_url

    async def main() -> T:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await action(store_class(client))
        finally:
            await client.aclose()

    return asyncio.run(main())


def guarded(
    command: str, what: str, invalid: Callable[[], type[Exception]]
) -> Callable[[Handler], Handler]:
    """A handler that turns "no stack" and the error ``invalid()`` names into exit 2.

    ``invalid`` is called only when the handler runs, so the parser stays quick to build.
    """

    def wrap(handler: Handler) -> Handler:
        def run(args: argparse.Namespace, settings: Any) -> int:
            try:
                return handler(args, settings)
            except StackNotFound as exc:
                print(f"{command}: {exc}", file=sys.stderr)
                return 2
            except Exception as exc:
                if not isinstance(exc, invalid()):
                    raise
                print(f"{command}: invalid {what}:", file=sys.stderr)
                for problem in getattr(exc, "problems", [str(exc)]):
                    print(f"  {problem}", file=sys.stderr)
                return 2

        return run

    return wrap
