"""What the status page and `vigie status` show, gathered from Redis and the lag reading.

The summarising functions are pure (plain dicts in, plain dicts out); ``gather_status`` is
the one place that reads Redis. Every time is unix seconds, every field JSON-ready.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from redis.asyncio import Redis

from kernel.ops import LagReading, PartitionLag
from kernel.stats import (
    BUCKET_S,
    FEEDS_KEY,
    RECENT_ALERTS,
    RECENT_DEAD,
    STAT_ALERTS,
    STAT_DEAD,
    STAT_DELIVERIES,
    STAT_DETECTIONS,
    STAT_DUPLICATES,
    STAT_ITEMS,
    STAT_RETRIED,
    STAT_SILENCED,
    feed_items_stat,
    feed_key,
    minute_of,
    read_buckets,
    read_recent,
    read_series,
    stat_key,
)

STATUS_SCHEMA = "vigie.status/1"
WINDOW_MINUTES = 60
#: The per-minute counters shown as throughput, in pipeline order.
THROUGHPUT_STATS: tuple[str, ...] = (
    STAT_ITEMS,
    STAT_DETECTIONS,
    STAT_ALERTS,
    STAT_DELIVERIES,
    STAT_DEAD,
)
#: The charts of the page: the pipeline's counters and the deliveries by outcome, per bucket.
CHART_HOURS = 24
#: Windows (minutes) the charts narrow to when nothing was counted before them (a fresh stack),
#: shortest first; those of an hour or less are drawn per minute, the others per 5 minutes.
CHART_WINDOWS_MIN: tuple[int, ...] = (15, 30, 60, 180, 360, 720, CHART_HOURS * 60)
PIPELINE_CHART: tuple[str, ...] = (STAT_ITEMS, STAT_DETECTIONS, STAT_ALERTS)
#: Outcome label -> counter; ``delivered`` is the ``deliveries`` counter.
OUTCOME_CHART: dict[str, str] = {
    "delivered": STAT_DELIVERIES,
    "retried": STAT_RETRIED,
    "dead": STAT_DEAD,
    "silenced": STAT_SILENCED,
    "duplicate": STAT_DUPLICATES,
}
ALERTS_SHOWN = 10
DEAD_SHOWN = 10
#: A feed whose next poll is this late (beyond its interval) is shown as ``late``.
LATE_GRACE_S = 60.0
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _number(value: Any) -> float | None:
    try:
        return float(_text(value)) if value not in (None, b"", "") else None
    except ValueError:
        return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def feed_state(row: Mapping[str, Any], now: float) -> str:
    """``pending`` (never polled), ``error`` (last poll failed), ``late`` or ``ok``."""
    if row.get("last_poll_at") is None:
        return "pending"
    if row.get("last_error"):
        return "error"
    next_poll_at = row.get("next_poll_at")
    interval = row.get("interval_s") or 0.0
    if next_poll_at is not None and now > next_poll_at + max(LATE_GRACE_S, interval):
        return "late"
    return "ok"


def feed_row(
    name: str, fields: Mapping[Any, Any], items_last_hour: int | None, now: float
) -> dict[str, Any]:
    """One feed's health from its Redis hash (bytes or str) and its items of the last hour."""
    health = {_text(key): value for key, value in fields.items()}
    row: dict[str, Any] = {
        "name": _text(health.get("name") or name),
        "url": _text(health.get("url") or ""),
        "lang": _text(health.get("lang") or ""),
        "last_poll_at": _number(health.get("last_poll_at")),
        "last_success_at": _number(health.get("last_success_at")),
        "last_error_at": _number(health.get("last_error_at")),
        "last_error": _text(health.get("last_error") or ""),
        "http_status": _integer(health.get("http_status")),
        "items_total": _integer(health.get("items_total")) or 0,
        "items_last_hour": items_last_hour,
        "next_poll_at": _number(health.get("next_poll_at")),
        "interval_s": _number(health.get("interval_s")),
    }
    row["state"] = feed_state(row, now)
    return row


def throughput(series: Mapping[str, Sequence[tuple[int, int]]]) -> dict[str, Any]:
    """Per-minute counts of each stat, the minute they start at and their totals."""
    first = next((points[0][0] for points in series.values() if points), None)
    return {
        "window_minutes": max((len(points) for points in series.values()), default=0),
        "start_minute": first,
        "series": {name: [count for _, count in points] for name, points in series.items()},
        "totals": {name: sum(count for _, count in points) for name, points in series.items()},
    }


def _first_counted(series: Mapping[str, Sequence[int]], length: int) -> int | None:
    """The index of the first of ``length`` slots where any series has a count."""
    return next(
        (
            index
            for index in range(length)
            if any(index < len(counts) and counts[index] for counts in series.values())
        ),
        None,
    )


def chart_minutes(
    buckets: Sequence[int],
    series: Mapping[str, Sequence[int]],
    minutes: Sequence[int] = (),
    per_minute: Mapping[str, Sequence[int]] | None = None,
) -> int:
    """The shortest window of ``CHART_WINDOWS_MIN`` holding every count.

    The age of the oldest count is read from the 5-minute ``buckets``, or to the minute from
    ``per_minute`` (counts of the unix ``minutes``) when every count is that recent.
    """
    width = buckets[1] - buckets[0] if len(buckets) > 1 else BUCKET_S
    first = _first_counted(series, len(buckets))
    if first is None:
        return CHART_WINDOWS_MIN[0]
    if minutes and per_minute is not None and buckets[first] >= minutes[0] * 60:
        first_minute = _first_counted(per_minute, len(minutes))
        age = len(minutes) - (first_minute if first_minute is not None else len(minutes) - 1)
    else:
        age = (buckets[-1] + width - buckets[first]) // 60
    return next((window for window in CHART_WINDOWS_MIN if window >= age), CHART_HOURS * 60)


def charts(
    buckets: Sequence[int],
    series: Mapping[str, Sequence[int]],
    minutes: Sequence[int] = (),
    per_minute: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """The charts: bucket starts, pipeline counts and delivery outcomes, with totals.

    ``series`` is keyed by counter name, one count per bucket of ``buckets`` (24 h); outcomes
    are renamed to what the page calls them. When nothing was counted before the last minutes
    or hours (``chart_minutes``), only those are shown, so a fresh stack's bars are not one
    sliver at the right edge; a window of an hour or less is drawn per minute from ``minutes``
    (unix minutes, oldest first) and ``per_minute`` when they are given.
    """
    window = chart_minutes(buckets, series, minutes, per_minute)
    width = buckets[1] - buckets[0] if len(buckets) > 1 else BUCKET_S
    if window <= 60 and minutes and per_minute is not None:
        starts = [minute * 60 for minute in minutes[len(minutes) - window :]]
        width, source = 60, per_minute
    else:
        starts = list(buckets[len(buckets) - min(len(buckets), window * 60 // width) :])
        source = series
    shown = {name: list(counts)[len(counts) - len(starts) :] for name, counts in source.items()}

    def block(names: Mapping[str, str]) -> dict[str, Any]:
        counts = {label: list(shown.get(name, [0] * len(starts))) for label, name in names.items()}
        return {"series": counts, "totals": {label: sum(c) for label, c in counts.items()}}

    return {
        "minutes": window,
        "bucket_s": width,
        "start": starts[0] if starts else None,
        "buckets": len(starts),
        "pipeline": block({name: name for name in PIPELINE_CHART}),
        "outcomes": block(OUTCOME_CHART),
    }


def lag_summary(reading: LagReading | None) -> dict[str, Any]:
    """Lag per group and per partition, with when it was measured and the last error."""
    partitions: Sequence[PartitionLag] = reading.partitions if reading else ()
    groups: dict[str, dict[str, Any]] = {}
    for entry in partitions:
        group = groups.setdefault(entry.group, {"topic": entry.topic, "lag": 0})
        group["lag"] += entry.lag
    return {
        "measured_at": reading.measured_at if reading else None,
        "error": reading.error if reading else "not measured",
        "total": sum(entry.lag for entry in partitions),
        "groups": groups,
        "partitions": [entry.to_dict() for entry in partitions],
    }


def alert_row(alert: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an ``Alert`` dict the page shows."""
    event = alert.get("event") or {}
    place = event.get("place") or {}
    casualties = event.get("casualties") or {}
    headline = alert.get("headline") or {}
    sources = source_rows(s for s in alert.get("sources") or [] if isinstance(s, Mapping))
    return {
        "id": str(alert.get("id") or ""),
        "revision": int(alert.get("revision") or 0),
        "kind": str(alert.get("kind") or event.get("kind") or ""),
        "status": str(event.get("status") or ""),
        "place": str(place.get("canonical") or place.get("name") or ""),
        "place_as_written": str(place.get("name") or ""),
        "country": str(place.get("country") or ""),
        "killed": casualties.get("killed"),
        "wounded": casualties.get("wounded"),
        "approximate": bool(casualties.get("approximate", False)),
        "headline": {"fr": str(headline.get("fr") or ""), "en": str(headline.get("en") or "")},
        "sources": sources,
        "first_seen": alert.get("first_seen"),
        "updated_at": alert.get("updated_at"),
    }


def source_rows(sources: Iterable[Any]) -> list[dict[str, str]]:
    """``source``, ``lang`` and ``url`` of each source (dicts or ``AlertSource``s)."""
    rows = []
    for source in sources:
        get = (
            source.get
            if isinstance(source, Mapping)
            else lambda name, s=source: getattr(s, name, "")
        )
        rows.append({name: str(get(name) or "") for name in ("source", "lang", "url")})
    return rows


async def with_current_sources(redis: Redis, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each alert row with every source its event has now, not only those of the last revision.

    A report that only confirms an event adds a source without a new revision; the page shows
    it all the same, so an operator sees the French and the English wire behind one alert.
    """
    from streams.dedup import DedupPolicy
    from streams.store import RedisDedupStore

    store = RedisDedupStore(redis, DedupPolicy())
    for row in rows:
        state = await store.event_state(row["id"])
        if state is not None and state.sources:
            row["sources"] = source_rows(state.sources)
    return rows


def latest_alerts(
    entries: Iterable[Mapping[str, Any]], limit: int = ALERTS_SHOWN
) -> list[dict[str, Any]]:
    """Newest first, one row per alert id: its highest revision."""
    order: list[str] = []
    best: dict[str, dict[str, Any]] = {}
    for entry in entries:
        row = alert_row(entry)
        current = best.get(row["id"])
        if current is None:
            order.append(row["id"])
        if current is None or row["revision"] > current["revision"]:
            best[row["id"]] = row
    return [best[alert_id] for alert_id in order[:limit]]


def dead_row(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a dead letter the page shows (never its target: it may hold a secret)."""
    # The delivery worker writes a summary (``headline``, ``alert_id``); older or hand-made
    # entries may carry the whole alert instead.
    raw_alert = entry.get("alert")
    alert: Mapping[str, Any] = raw_alert if isinstance(raw_alert, Mapping) else {}
    headlines = alert.get("headline") or {}
    headline = entry.get("headline") or headlines.get("en") or headlines.get("fr")
    return {
        "id": str(entry.get("id") or ""),
        "failed_at": entry.get("failed_at"),
        "channel": str(entry.get("channel") or ""),
        "subscription_id": str(entry.get("subscription_id") or ""),
        "reason": str(entry.get("reason") or ""),
        "attempts": entry.get("attempts"),
        "alert_id": entry.get("alert_id") or alert.get("id"),
        "headline": str(headline or ""),
    }


def sparkline(counts: Sequence[int]) -> str:
    """Counts as a line of block characters, scaled to the largest."""
    peak = max(counts, default=0)
    if peak <= 0:
        return SPARK_BLOCKS[0] * len(counts)
    top = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round(count / peak * top)] for count in counts)


async def _items_last_hour(redis: Redis, feed: str, now: float) -> int | None:
    """Items the feed produced in the last hour; ``None`` when the poller never counted any."""
    last = minute_of(now)
    keys = [stat_key(feed_items_stat(feed), m) for m in range(last - WINDOW_MINUTES + 1, last + 1)]
    values = await redis.mget(keys)
    if all(value is None for value in values):
        return None
    return sum(int(value or 0) for value in values)


async def read_feeds(redis: Redis, now: float) -> list[dict[str, Any]]:
    """Every known feed's health, by name."""
    names = sorted(_text(name) for name in await redis.smembers(FEEDS_KEY))
    rows = []
    for name in names:
        fields = await redis.hgetall(feed_key(name))
        rows.append(feed_row(name, fields, await _items_last_hour(redis, name, now), now))
    return rows


async def gather_status(
    redis: Redis,
    *,
    lag: LagReading | None = None,
    urls: Mapping[str, str] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """Everything the status page and `vigie status` show, as one JSON-ready object."""
    now = time.time() if now is None else now
    series = {
        name: await read_series(redis, name, WINDOW_MINUTES, now=now) for name in THROUGHPUT_STATS
    }
    charted = (*PIPELINE_CHART, *OUTCOME_CHART.values())
    buckets, counts = await read_buckets(redis, charted, CHART_HOURS, now=now)
    for name in charted:
        if name not in series:
            series[name] = await read_series(redis, name, WINDOW_MINUTES, now=now)
    minutes = [minute for minute, _ in series[STAT_ITEMS]]
    per_minute = {name: [count for _, count in series[name]] for name in charted}
    return {
        "schema": STATUS_SCHEMA,
        "generated_at": now,
        "urls": dict(urls or {}),
        "feeds": await read_feeds(redis, now),
        "throughput": throughput({name: series[name] for name in THROUGHPUT_STATS}),
        "charts": charts(buckets, counts, minutes, per_minute),
        "lag": lag_summary(lag),
        "alerts": await with_current_sources(
            redis, latest_alerts(await read_recent(redis, RECENT_ALERTS))
        ),
        "dead": [dead_row(entry) for entry in await read_recent(redis, RECENT_DEAD, DEAD_SHOWN)],
    }
