"""``WireItem``: one entry of a wire feed, normalised; the contract of ``vigie.items``."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from kernel.clock import format_time, parse_time, utcnow
from kernel.contracts import SCHEMA_ITEM

LANGUAGES = ("fr", "en")
#: Longest title and summary an item keeps; wire summaries are a few sentences, anything
#: longer is page debris or hostile input and would only slow detection down.
MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 4000


def stable_item_id(guid: str | None, link: str | None, title: str = "") -> str:
    """A stable item id: the hash of the feed guid, else the canonical link, else the title."""
    basis = (guid or "").strip() or (link or "").strip() or title.strip()
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class WireItem:
    """A wire item as every stage after ingest sees it."""

    id: str
    source: str
    title: str
    summary: str = ""
    lang: str = "en"
    url: str = ""
    feed_url: str = ""
    published_at: datetime | None = None
    fetched_at: datetime = field(default_factory=utcnow)
    schema: str = SCHEMA_ITEM
    #: An archived item replayed with ``vigie replay --backfill``: processed in event time
    #: however old, and its alerts marked ``backfill``. Absent from the JSON when false.
    backfill: bool = False

    @property
    def text(self) -> str:
        """Title and summary as one text, the unit detection reads."""
        if not self.summary:
            return self.title
        return f"{self.title}\n{self.summary}"

    @property
    def seen_at(self) -> datetime:
        """When the item happened as far as we know: published time, else fetch time."""
        return self.published_at or self.fetched_at

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of the contract."""
        data = asdict(self)
        data["published_at"] = format_time(self.published_at)
        data["fetched_at"] = format_time(self.fetched_at)
        if not self.backfill:
            del data["backfill"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WireItem:
        """Read the contract back; unknown fields are ignored, missing optional ones defaulted."""
        if not data.get("id"):
            raise ValueError("a wire item needs an 'id'")
        title = str(data.get("title") or "")[:MAX_TITLE_CHARS]
        summary = str(data.get("summary") or data.get("text") or "")[:MAX_SUMMARY_CHARS]
        if not title and not summary:
            raise ValueError("a wire item needs a 'title' or a 'text'")
        return cls(
            id=str(data["id"]),
            source=str(data.get("source") or "unknown"),
            title=title,
            summary=summary,
            lang=str(data.get("lang") or "en"),
            url=str(data.get("url") or ""),
            feed_url=str(data.get("feed_url") or ""),
            published_at=parse_time(data.get("published_at")),
            fetched_at=parse_time(data.get("fetched_at")) or utcnow(),
            schema=str(data.get("schema") or SCHEMA_ITEM),
            backfill=data.get("backfill") is True,
        )
