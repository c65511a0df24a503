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
        if not isinstance(data, dict):
            raise FeedConfigError(f"{where}: expected a mapping with 'name' and 'url'")
        unknown = set(data) - {"name", "url", "lang", "interval", "format"}
        if unknown:
            raise FeedConfigError(f"{where}: unknown field(s) {sorted(unknown)}")
        name = str(data.get("name") or "")
        if not _NAME.match(name):
            raise FeedConfigError(f"{where}: 'name' must be 1-64 letters, digits, '_', '-' or '.'")
        url = str(data.get("url") or "")
        if not url.startswith(("http://", "https://")):
            raise FeedConfigError(f"{where} ({name}): 'url' must start with http:// or https://")
        lang = data.get("lang")
        if lang is not None and lang not in LANGUAGES:
            raise FeedConfigError(f"{where} ({name}): 'lang' must be one of {list(LANGUAGES)}")
        try:
            interval = float(data.get("interval", default_interval))
        except (TypeError, ValueError) as exc:
            raise FeedConfigError(
                f"{where} ({name}): 'interval' must be a number of seconds"
            ) from exc
        if interval < MIN_INTERVAL_S:
            raise FeedConfigError(
                f"{where} ({name}): 'interval' must be at least {MIN_INTERVAL_S}s"
            )
        format_ = str(data.get("format") or DEFAULT_FORMAT)
        if format_ not in formats():
            raise FeedConfigError(f"{where} ({name}): 'format' must be one of {formats()}")
        return cls(name=name, url=url, lang=lang, interval_s=interval, format=format_)


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
