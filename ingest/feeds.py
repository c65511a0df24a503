"""``FeedSpec``: which feeds to poll, read from a YAML file with a top-level ``feeds:`` list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.items import LANGUAGES
from ingest.sources import DEFAULT_FORMAT, formats
from kernel.errors import InputError

DEFAULT_INTERVAL_S = 300.0
MIN_INTERVAL_S = 1.0
#: The fields a feed entry may have.
FEED_FIELDS = ("name", "url", "lang", "interval", "format")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class FeedConfigError(InputError):
    """The feeds file is not valid: the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to poll: its name (used in metrics and ids), URL, language, interval and
    format (the kind of source that reads it: ``rss`` for RSS and Atom, the default)."""

    name: str
    url: str
    lang: str | None = None
    interval_s: float = DEFAULT_INTERVAL_S
    format: str = DEFAULT_FORMAT

    @classmethod
    def from_dict(
        cls, data: Any, position: int = 0, default_interval: float = DEFAULT_INTERVAL_S
    ) -> FeedSpec:
        """Validate one entry of the ``feeds:`` list."""
        where = f"feeds[{position}]"
        try:
            return build_feed(data, default_interval)
        except FeedFieldError as exc:
            named = f"{where} ({exc.name})" if exc.name else where
            subject = f"'{exc.field}' " if exc.field else ""
            raise FeedConfigError(f"{named}: {subject}{exc.reason}") from exc

    def to_dict(self) -> dict[str, Any]:
        """The fields as a feeds file (or the API) writes them."""
        return {
            "name": self.name,
            "url": self.url,
            "lang": self.lang,
            "interval": self.interval_s,
            "format": self.format,
        }


class FeedFieldError(FeedConfigError):
    """One field of a feed is wrong: ``field`` names it (empty for the entry as a whole)."""

    def __init__(self, field: str, reason: str, name: str = "") -> None:
        self.field = field
        self.reason = reason
        self.name = name
        super().__init__(f"{field}: {reason}" if field else reason)


def build_feed(data: Any, default_interval: float = DEFAULT_INTERVAL_S) -> FeedSpec:
    """A ``FeedSpec`` from a mapping; ``FeedFieldError`` names the first wrong field."""
    if not isinstance(data, dict):
        raise FeedFieldError("", "expected a mapping with 'name' and 'url'")
    unknown = set(data) - set(FEED_FIELDS)
    if unknown:
        raise FeedFieldError("", f"unknown field(s) {sorted(unknown)}")
    name = str(data.get("name") or "")
    if not _NAME.match(name):
        raise FeedFieldError("name", "must be 1-64 letters, digits, '_', '-' or '.'")
    url = str(data.get("url") or "")
    if not url.startswith(("http://", "https://")):
        raise FeedFieldError("url", "must start with http:// or https://", name)
    lang = data.get("lang") or None
    if lang is not None and lang not in LANGUAGES:
        raise FeedFieldError("lang", f"must be one of {list(LANGUAGES)}", name)
    interval_given = data.get("interval")
    try:
        interval = float(default_interval if interval_given in (None, "") else interval_given)
    except (TypeError, ValueError) as exc:
        raise FeedFieldError("interval", "must be a number of seconds", name) from exc
    if interval < MIN_INTERVAL_S:
        raise FeedFieldError("interval", f"must be at least {MIN_INTERVAL_S}s", name)
    format_ = str(data.get("format") or DEFAULT_FORMAT)
    if format_ not in formats():
        raise FeedFieldError("format", f"must be one of {formats()}", name)
    return FeedSpec(name=name, url=url, lang=lang, interval_s=interval, format=format_)


def parse_feeds(document: Any, default_interval: float = DEFAULT_INTERVAL_S) -> list[FeedSpec]:
    """Validate a parsed feeds document (``{"feeds": [...]}``); names must be unique."""
    if not isinstance(document, dict) or "feeds" not in document:
        raise FeedConfigError("the feeds file needs a top-level 'feeds:' list (it may be empty)")
    entries = document["feeds"] or []
    if not isinstance(entries, list):
        raise FeedConfigError("'feeds' must be a list")
    feeds = [
        FeedSpec.from_dict(entry, index, default_interval) for index, entry in enumerate(entries)
    ]
    names = [feed.name for feed in feeds]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise FeedConfigError(f"feed names must be unique; repeated: {duplicates}")
    return feeds


def load_feeds(
    path: Path, default_interval: float = DEFAULT_INTERVAL_S, base_url: str = ""
) -> list[FeedSpec]:
    """Read and validate a feeds YAML file; ``{demo}`` in URLs is replaced with ``base_url``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedConfigError(f"cannot read feeds file {path}: {exc.strerror}") from exc
    if base_url:
        text = text.replace("{demo}", base_url.rstrip("/"))
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FeedConfigError(f"{path} is not valid YAML: {exc}") from exc
    return parse_feeds(document, default_interval)
