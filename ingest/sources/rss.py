"""RSS and Atom (``format: rss``, the default): a conditional GET, then feedparser on the bytes
fetched (it never fetches). Bozo feeds are still read; a feed with no entries, or bytes that
are not a feed at all, is a failure the poller records. A WebSub hub the feed names (``Link``
headers or the document) comes with the items; a pushed body is read by ``parse_feed`` too."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import feedparser

from ingest import metrics
from ingest.freshness import parse_max_age
from ingest.items import WireItem
from ingest.normalize import entry_to_item
from ingest.sources.base import FeedError, FeedRef, Fetched, SourceContext
from ingest.sources.http import HttpFetcher
from ingest.websub import document_links, find_hub, header_links
from kernel.clock import utcnow

log = logging.getLogger(__name__)


class RssSource:
    """RSS 0.9x/1.0/2.0 and Atom feeds over HTTP(S)."""

    format: ClassVar[str] = "rss"

    def __init__(self, context: SourceContext) -> None:
        self.http = HttpFetcher(context)

    async def fetch(self, feed: FeedRef, validators: Mapping[str, str]) -> Fetched:
        """The feed's entries as items, or ``not_modified``."""
        status, body, headers = await self.http.get(feed.url, validators)
        max_age = parse_max_age(headers.get("cache-control"))
        if status == 304:
            return Fetched(status, not_modified=True, max_age_s=max_age)
        if not body.strip():
            raise FeedError("empty", f"empty body (HTTP {status})", status)
        parsed = parse_feed(feed, body, headers.get("content-type", ""))
        return Fetched(
            status,
            items=parsed.items,
            validators={
                "etag": headers.get("etag", ""),
                "last_modified": headers.get("last-modified", ""),
            },
            max_age_s=max_age,
            hub=find_hub(header_links(headers.get("link")), parsed.links),
        )

    async def aclose(self) -> None:
        """Close the HTTP clients."""
        await self.http.aclose()


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document read: its items and the ``(rel, url)`` links of the feed itself."""

    items: list[WireItem]
    links: list[tuple[str, str]]


def parse_entries(feed: FeedRef, body: bytes, content_type: str = "") -> list[WireItem]:
    """The entries of an RSS or Atom document as items; one bad entry never costs the others."""
    return parse_feed(feed, body, content_type).items


def parse_feed(feed: FeedRef, body: bytes, content_type: str = "") -> ParsedFeed:
    """An RSS or Atom document (polled or pushed) as items and links; ``FeedError`` if none."""
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    if not parsed.entries and parsed.get("version"):
        # Recognised as RSS/Atom (even if served with a loose content type), but says nothing.
        raise FeedError("empty", f"a {parsed.get('version')} feed with no entries")
    if parsed.get("bozo") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError("malformed", f"not a feed: {reason}")
    if parsed.get("bozo"):
        log.warning(
            "feed %s is not well-formed (%s); reading its entries anyway",
            feed.name,
            parsed.get("bozo_exception"),
        )
    feed_lang = feed.lang or (parsed.feed.get("language") if parsed.get("feed") else None)
    fetched_at = utcnow()
    items = []
    for entry in parsed.entries:
        try:
            item = entry_to_item(
                entry,
                source=feed.name,
                feed_url=feed.url,
                feed_lang=feed_lang,
                fetched_at=fetched_at,
            )
        except Exception as exc:  # one bad entry never costs the others
            log.warning("feed %s: skipped an unreadable entry: %s", feed.name, exc)
            metrics.ITEMS_SKIPPED.labels(feed.name, "invalid").inc()
            continue
        if item is None:
            metrics.ITEMS_SKIPPED.labels(feed.name, "empty").inc()
            continue
        items.append(item)
    links = document_links(parsed.feed.get("links", ())) if parsed.get("feed") else []
    return ParsedFeed(items, links)
