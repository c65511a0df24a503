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

from functools import cache
from typing import Any

from ingest.sources.base import Source, SourceContext
from kernel import plugins

#: The format of a feed that does not say.
DEFAULT_FORMAT = "rss"
#: Modules of this package that are not sources.
_NOT_SOURCES = frozenset({"base", "http"})


def discover(package: str) -> dict[str, type[Any]]:
    """Format -> class, for every class declaring a ``format`` in a module of ``package``."""

    def format_of(cls: type[Any]) -> str | None:
        value = cls.__dict__.get("format")
        return value if isinstance(value, str) else None

    return plugins.discover(package, format_of, skip=_NOT_SOURCES)


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
