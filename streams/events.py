"""Contracts written by the stream workers: ``DetectedEvent`` (``vigie.events``) and ``Alert``
(``vigie.alerts``). Pure data; alert workers import these, never the other way round."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from kernel.clock import format_time, parse_time, utcnow
from kernel.contracts import SCHEMA_ALERT, SCHEMA_EVENT
from kernel.vocabulary import EventKind, EventStatus

KINDS: tuple[str, ...] = tuple(EventKind)
STATUSES: tuple[str, ...] = tuple(EventStatus)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: the name as written and the GeoNames entry it stands for."""

    name: str
    geoname_id: int | None = None
    canonical: str = ""
    country: str = ""
    lat: float | None = None
    lon: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        """Read a place back from its JSON form."""
        return cls(
            name=str(data.get("name") or ""),
            geoname_id=_opt_int(data.get("geoname_id")),
            canonical=str(data.get("canonical") or ""),
            country=str(data.get("country") or ""),
            lat=_opt_float(data.get("lat")),
            lon=_opt_float(data.get("lon")),
        )


@dataclass(frozen=True, slots=True)
class Casualties:
    """A toll as stated: exact numbers when given, ``approximate`` when only vague or bounded."""

    killed: int | None = None
    wounded: int | None = None
    missing: int | None = None
    approximate: bool = False
    group: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Casualties:
        """Read a toll back from its JSON form."""
        return cls(
            killed=_opt_int(data.get("killed")),
            wounded=_opt_int(data.get("wounded")),
            missing=_opt_int(data.get("missing")),
            approximate=bool(data.get("approximate", False)),
            group=data.get("group") or None,
        )


@dataclass(frozen=True, slots=True)
class DetectedEvent:
    """One detection in one item: a city capture or a casualty report."""

    id: str
    kind: EventKind
    item_id: str
    lang: str
    evidence: str
    place: Place | None = None
    actor: str | None = None
    from_actor: str | None = None
    casualties: Casualties | None = None
    status: EventStatus = EventStatus.REPORTED
    attribution: str | None = None
    confidence: float = 0.5
    detected_at: datetime = field(default_factory=utcnow)
    schema: str = SCHEMA_EVENT

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of the contract."""
        data = asdict(self)
        data["detected_at"] = format_time(self.detected_at)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectedEvent:
        """Read the contract back; unknown fields are ignored."""
        place = data.get("place")
        casualties = data.get("casualties")
        return cls(
            id=str(data["id"]),
            kind=EventKind(data["kind"]),
            item_id=str(data.get("item_id") or ""),
            lang=str(data.get("lang") or "en"),
            evidence=str(data.get("evidence") or ""),
            place=Place.from_dict(place) if isinstance(place, dict) else None,
            actor=data.get("actor") or None,
            from_actor=data.get("from_actor") or None,
            casualties=Casualties.from_dict(casualties) if isinstance(casualties, dict) else None,
            status=EventStatus(data.get("status") or EventStatus.REPORTED),
            attribution=data.get("attribution") or None,
            confidence=float(data.get("confidence", 0.5)),
            detected_at=parse_time(data.get("detected_at")) or utcnow(),
            schema=str(data.get("schema") or SCHEMA_EVENT),
        )


@dataclass(frozen=True, slots=True)
class AlertSource:
    """One item that reported the event: which feed, which language, when."""

    item_id: str
    source: str
    lang: str
    url: str = ""
    title: str = ""
    seen_at: datetime | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertSource:
        """Read a source back from its JSON form."""
        return cls(
            item_id=str(data.get("item_id") or ""),
            source=str(data.get("source") or ""),
            lang=str(data.get("lang") or ""),
            url=str(data.get("url") or ""),
            title=str(data.get("title") or ""),
            seen_at=parse_time(data.get("seen_at")),
        )


@dataclass(frozen=True, slots=True)
class Alert:
    """One real-world event as subscribers see it; ``revision`` grows on material updates."""

    id: str
    revision: int
    event: DetectedEvent
    sources: tuple[AlertSource, ...]
    first_seen: datetime
    headline: dict[str, str]
    updated_at: datetime = field(default_factory=utcnow)
    reason: str = "new"
    schema: str = SCHEMA_ALERT
    #: A capture that reverses an earlier one (``reason`` has ``reversal``): the alert id of
    #: the capture of the same town by another holder. Optional: absent from the JSON if none.
    supersedes: str | None = None
    #: Caused by an archived item replayed with ``vigie replay --backfill``: kept in the history
    #: and shown on the console, sent only to subscriptions that opted in. Absent when false.
    backfill: bool = False

    @property
    def kind(self) -> str:
        """The event kind, for filters."""
        return self.event.kind

    @property
    def languages(self) -> set[str]:
        """Languages of the reports that told the event."""
        return {source.lang for source in self.sources}

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form of the contract."""
        data: dict[str, Any] = {
            "schema": self.schema,
            "id": self.id,
            "revision": self.revision,
            "reason": self.reason,
            "kind": self.event.kind,
            "event": self.event.to_dict(),
            "sources": [
                {**asdict(source), "seen_at": format_time(source.seen_at)}
                for source in self.sources
            ],
            "first_seen": format_time(self.first_seen),
            "updated_at": format_time(self.updated_at),
            "headline": dict(self.headline),
        }
        if self.supersedes:
            data["supersedes"] = self.supersedes
        if self.backfill:
            data["backfill"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """Read the contract back; unknown fields are ignored."""
        return cls(
            id=str(data["id"]),
            revision=int(data.get("revision", 0)),
            event=DetectedEvent.from_dict(data["event"]),
            sources=tuple(AlertSource.from_dict(source) for source in data.get("sources", [])),
            first_seen=parse_time(data.get("first_seen")) or utcnow(),
            headline={str(k): str(v) for k, v in dict(data.get("headline") or {}).items()},
            updated_at=parse_time(data.get("updated_at")) or utcnow(),
            reason=str(data.get("reason") or "new"),
            schema=str(data.get("schema") or SCHEMA_ALERT),
            supersedes=str(data["supersedes"]) if data.get("supersedes") else None,
            backfill=data.get("backfill") is True,
        )


def _opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _opt_float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)
