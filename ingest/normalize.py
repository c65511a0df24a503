"""Turn a feedparser entry into a ``WireItem``: stable id, plain text, language, UTC times."""

from __future__ import annotations

import calendar
import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from ingest.items import (
    LANGUAGES,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    WireItem,
    stable_item_id,
)
from ingest.lang import guess_language
from kernel.clock import utcnow

_SPACES = re.compile(r"\s+")
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})


class _TextExtractor(HTMLParser):
    """Collects text nodes, dropping scripts and styles, breaking at block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_html(markup: str) -> str:
    """Plain text of an HTML fragment, entities decoded and white space folded."""
    if "<" not in markup and "&" not in markup:
        return _SPACES.sub(" ", markup).strip()
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
        text = "".join(extractor.parts)
    except (
        Exception
    ):  # HTMLParser rarely raises; fall back to a crude strip rather than lose the item
        text = re.sub(r"<[^>]*>", " ", markup)
    return _SPACES.sub(" ", html.unescape(text)).strip()


def _entry_time(entry: Any, *fields: str) -> datetime | None:
    for field in fields:
        parsed = entry.get(field)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _language(declared: str | None, text: str) -> str:
    if declared:
        code = declared.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return guess_language(text)


def entry_to_item(
    entry: Any,
    *,
    source: str,
    feed_url: str,
    feed_lang: str | None = None,
    fetched_at: datetime | None = None,
) -> WireItem | None:
    """A ``WireItem`` from one feedparser entry, or ``None`` when it has no text at all."""
    title = strip_html(str(entry.get("title") or ""))[:MAX_TITLE_CHARS]
    raw_summary = entry.get("summary") or ""
    if not raw_summary and entry.get("content"):
        raw_summary = entry["content"][0].get("value", "")
    summary = strip_html(str(raw_summary))[:MAX_SUMMARY_CHARS]
    if not title and not summary:
        return None
    link = str(entry.get("link") or "")
    guid = str(entry.get("id") or "")
    declared = (
        feed_lang or entry.get("language") or (entry.get("title_detail") or {}).get("language")
    )
    return WireItem(
        id=stable_item_id(guid, link, title),
        source=source,
        title=title,
        summary=summary,
        lang=_language(declared, f"{title} {summary}"),
        url=link,
        feed_url=feed_url,
        published_at=_entry_time(entry, "published_parsed", "updated_parsed"),
        fetched_at=fetched_at or utcnow(),
    )


def content_hash(item: WireItem) -> str:
    """A short hash of what a reader sees, to tell a changed item from one already produced."""
    import hashlib

    return hashlib.sha1(f"{item.title}\x00{item.summary}".encode()).hexdigest()[:16]
