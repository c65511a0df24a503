"""Sources: the kinds of feed Vigie reads, one module each, chosen by the feed's ``format``.

A source fetches one feed and reads its entries as ``WireItem``s (``base.Source``); everything
around it (the schedule, politeness per host, the total deadline, the seen-set, publishing,
health) is the poller's (``ingest/poller.py``) and the same for every kind. A source is one
module of this package with one class that declares its ``format``, is built from a
``SourceContext`` and satisfies ``Source``; ``source_types`` finds every module the first time
it is asked, so adding a kind of feed (a JSON API, a sitemap) is one new file. ``http.py``
holds the HTTP plumbing the HTTP-based sources share. ``rss`` (RSS and Atom) is the default.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module
from typing import Any

from ingest.sources.base import Source, SourceContext

#: The format of a feed that does not say.
DEFAULT_FORMAT = "rss"
#: Modules of this package that are not sources.
_NOT_SOURCES = frozenset({"base", "http"})


def discover(package: str) -> dict[str, type[Any]]:
    """Format -> class, for every class with a ``format`` defined in a module of ``package``."""
    found: dict[str, type[Any]] = {}
    module = import_module(package)
    for info in pkgutil.iter_modules(module.__path__):
        if info.name.startswith("_") or info.name in _NOT_SOURCES:
            continue
        inner = import_module(f"{package}.{info.name}")
        for value in vars(inner).values():
            if not isinstance(value, type) or value.__module__ != inner.__name__:
                continue
            format_ = value.__dict__.get("format")
            if isinstance(format_, str):
                if format_ in found:
                    raise RuntimeError(f"two sources of format {format_!r}")
                found[format_] = value
    return found


@cache
def source_types() -> dict[str, type[Any]]:
    """Every kind of source Vigie has, by format (found once, on first use)."""
    return discover(__name__)


def formats() -> list[str]:
    """The formats a feed may name."""
    return sorted(source_types())


def build_source(format_: str, context: SourceContext) -> Source:
    """The source reading feeds of ``format_``."""
    source: Source = source_types()[format_](context)
    return source
