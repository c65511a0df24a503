"""The console's alerts: every recent alert with what its map point and detail view show.

Built from the recent-alerts list the status page already reads (each revision is an entry, so
the revisions of an alert give its timeline), with the sources its event has now. The pure
``alert_details`` turns entries into rows; ``gather_alerts`` is the one place that reads Redis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from kernel.stats import RECENT_ALERTS, RECENT_KEEP, read_recent
from vigie.web.status import alert_row

ALERTS_SCHEMA = "vigie.console.alerts/1"


def _time_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value or "")


def detail_sources(sources: Iterable[Any]) -> list[dict[str, str]]:
    """Feed, language, link, title and time of each source (dicts or ``AlertSource``s)."""
    rows = []
    for source in sources:
        if isinstance(source, Mapping):
            data = dict(source)
        else:
            data = {name: getattr(source, name, "") for name in ("source", "lang", "url", "title")}
            data["seen_at"] = getattr(source, "seen_at", None)
        rows.append(
            {
                "source": str(data.get("source") or ""),
                "lang": str(data.get("lang") or ""),
                "url": str(data.get("url") or ""),
                "title": str(data.get("title") or ""),
                "seen_at": _time_text(data.get("seen_at")),
            }
        )
    return sorted(rows, key=lambda row: row["seen_at"])


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def alert_details(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per alert id (its highest revision), newest first, with its revision timeline."""
    revisions: dict[str, list[Mapping[str, Any]]] = {}
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("id"):
            revisions.setdefault(str(entry["id"]), []).append(entry)
    rows = []
    for alert_id, versions in revisions.items():
        versions = sorted(versions, key=lambda version: int(version.get("revision") or 0))
        latest = versions[-1]
        event = latest.get("event") or {}
        place = event.get("place") or {}
        row = alert_row(latest)
        evidence = []
        timeline = []
        for version in versions:
            version_event = version.get("event") or {}
            casualties = version_event.get("casualties") or {}
            sentence = str(version_event.get("evidence") or "")
            if sentence and sentence not in evidence:
                evidence.append(sentence)
            timeline.append(
                {
                    "revision": int(version.get("revision") or 0),
                    "reason": str(version.get("reason") or ""),
                    "updated_at": version.get("updated_at"),
                    "killed": casualties.get("killed"),
                    "wounded": casualties.get("wounded"),
                    "status": str(version_event.get("status") or ""),
                }
            )
        row.update(
            {
                "id": alert_id,
                "lat": _number(place.get("lat")),
                "lon": _number(place.get("lon")),
                "reason": str(latest.get("reason") or ""),
                "actor": event.get("actor"),
                "from_actor": event.get("from_actor"),
                "attribution": event.get("attribution"),
                "group": (event.get("casualties") or {}).get("group"),
                "supersedes": latest.get("supersedes"),
                "evidence": evidence,
                "sources": detail_sources(
                    s for s in latest.get("sources") or [] if isinstance(s, Mapping)
                ),
                "revisions": timeline,
                "silenced_by": None,
            }
        )
        rows.append(row)
    return sorted(rows, key=lambda row: str(row["first_seen"] or ""), reverse=True)


async def gather_alerts(redis: Redis, now: float) -> dict[str, Any]:
    """The recent alerts with their current sources and, when a silence stopped them, its id."""
    from alerts.silence_store import RedisSilenceStore
    from streams.dedup import DedupPolicy
    from streams.store import RedisDedupStore

    rows = alert_details(await read_recent(redis, RECENT_ALERTS, RECENT_KEEP))
    events = RedisDedupStore(redis, DedupPolicy())
    silences = RedisSilenceStore(redis)
    for row in rows:
        state = await events.event_state(row["id"])
        if state is not None and state.sources:
            row["sources"] = detail_sources(state.sources)
        row["silenced_by"] = await silences.silenced_with(row["id"], row["revision"])
    return {"schema": ALERTS_SCHEMA, "generated_at": now, "source": "recent", "alerts": rows}
