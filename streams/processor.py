"""``ItemProcessor``: one wire item in, detections and alerts out; the Faust agent only calls it.

Kept apart from Faust so the whole decision (read, detect, near-duplicate check, dedup) is
testable against a real Redis without a broker. Detection runs first because it is pure and
fast: the nineteen items in twenty that report nothing never cost a Redis round trip.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from redis.asyncio import Redis

from ingest.items import WireItem
from kernel.errors import InputError
from kernel.stats import (
    RECENT_ALERTS,
    STAT_ALERTS,
    STAT_DETECTIONS,
    bump,
    push_recent,
    queue_bump,
    queue_push_recent,
)
from streams import metrics
from streams.events import Alert, DetectedEvent

log = logging.getLogger(__name__)

Detector = Callable[[WireItem], list[DetectedEvent]]


class DedupStore(Protocol):
    """What the processor needs from the dedup store (``RedisDedupStore``)."""

    async def check_item(self, item: WireItem) -> str: ...

    async def check_items(self, items: Sequence[WireItem]) -> list[str]: ...

    async def observe_all(self, item: WireItem, event: DetectedEvent) -> list[Alert]: ...


class BadItem(InputError):
    """A record on ``vigie.items`` that is not a readable wire item."""


@dataclass(slots=True)
class Outcome:
    """What one item produced."""

    item: WireItem | None
    verdict: str = "new"
    events: list[DetectedEvent] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def decode_item(raw: bytes | str | dict[str, Any]) -> WireItem:
    """Read a record of ``vigie.items``; raise ``BadItem`` with the reason when unreadable."""
    try:
        data = raw if isinstance(raw, dict) else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadItem(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadItem("not a JSON object")
    try:
        return WireItem.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise BadItem(str(exc)) from exc


class ItemProcessor:
    """Decides what items mean: skip them, or detections and the alerts they cause.

    ``process`` takes one record; the stream worker takes a batch in three steps, so the Redis
    work of a batch costs a few round trips instead of several per reporting item:
    ``detect`` (pure, per record), ``settle`` (near-duplicate checks of the whole batch in one
    round trip, then dedup of each detection in order) and, once the batch's sends are
    acknowledged, ``record`` (the status page's counters and recent alerts, one round trip).
    """

    def __init__(self, store: DedupStore, detector: Detector, redis: Redis) -> None:
        self.store = store
        self.detector = detector
        self.redis = redis

    async def process(self, raw: bytes | str | dict[str, Any]) -> Outcome:
        """Process one record; a bad record is counted and skipped, never raised."""
        (outcome,) = await self.settle([self.detect(raw)])
        if outcome.events:
            await bump(self.redis, STAT_DETECTIONS, len(outcome.events))
        return outcome

    def detect(self, raw: bytes | str | dict[str, Any]) -> Outcome:
        """Read a record and run detection on it, without Redis.

        The outcome's ``events`` are the detections still to be settled; a bad record or a
        detector failure is counted, logged and answered with an outcome that reports nothing.
        """
        try:
            item = decode_item(raw)
        except BadItem as exc:
            metrics.ITEMS_REJECTED.labels("invalid").inc()
            log.warning("skipped a record of vigie.items: %s", exc)
            return Outcome(item=None, verdict="invalid")
        metrics.ITEMS_CONSUMED.labels(item.lang).inc()
        started = time.perf_counter()
        try:
            events = self.detector(item)
        except Exception:  # a detector bug on one item must not stop the stream
            metrics.ITEMS_REJECTED.labels("detector_error").inc()
            log.exception("detection failed on item %s; skipped", item.id)
            return Outcome(item=item, verdict="detector_error")
        metrics.DETECT_DURATION.observe(time.perf_counter() - started)
        return Outcome(item=item, events=events)

    async def settle(self, detected: Sequence[Outcome]) -> list[Outcome]:
        """The final outcomes of detected records, in order (``detected`` is left as it is).

        Items that report nothing never touch Redis. The near-duplicate checks of the others
        go to Redis together, in order, so a copy of an item earlier in the batch is still
        a copy; then each detection is deduplicated in order, since one may merge into the
        event the previous one created. Safe to call again on the same records after a Redis
        outage: a checked item is answered ``redelivered`` and a settled detection its alert.
        """
        reporting = [outcome.item for outcome in detected if outcome.events and outcome.item]
        verdicts = iter(await self.store.check_items(reporting))
        settled = []
        for outcome in detected:
            if outcome.events and outcome.item:
                settled.append(await self._observe(outcome.item, next(verdicts), outcome.events))
            else:
                settled.append(replace(outcome, events=[]))
        return settled

    async def _observe(self, item: WireItem, verdict: str, events: list[DetectedEvent]) -> Outcome:
        """Deduplicate the detections of one item the near-duplicate check let through."""
        if verdict == "near_duplicate":
            metrics.NEAR_DUPLICATES.labels(item.lang).inc()
            log.info("item %s (%s) is a copy of one already seen: skipped", item.id, item.source)
            return Outcome(item=item, verdict=verdict)
        outcome = Outcome(item=item, verdict=verdict, events=events)
        for event in events:
            metrics.DETECTIONS.labels(event.kind, event.lang, event.status).inc()
            # Usually one alert or none; a late report of an earlier capture also revises the
            # capture after it (``reversal``).
            alerts = await self.store.observe_all(item, event)
            if not alerts:
                metrics.DEDUP_HITS.labels(event.kind).inc()
                log.info("%s in item %s joins an event already alerted", event.kind, item.id)
            for alert in alerts:
                outcome.alerts.append(alert)
                if alert.revision == 0:
                    metrics.ALERTS_EMITTED.labels(alert.kind).inc()
                else:
                    metrics.REVISIONS_EMITTED.labels(alert.kind).inc()
                log.info(
                    "alert %s rev %d (%s): %s",
                    alert.id,
                    alert.revision,
                    alert.reason,
                    alert.headline.get("en", ""),
                )
        return outcome

    async def record(self, outcomes: Sequence[Outcome]) -> None:
        """Count a batch's detections and note its alerts for the status page, in one round trip.

        A backfilled alert is old news: counted, not listed among the recent ones."""
        detections = sum(len(outcome.events) for outcome in outcomes)
        alerts = [alert for outcome in outcomes for alert in outcome.alerts]
        if not detections and not alerts:
            return
        pipe = self.redis.pipeline(transaction=False)
        if detections:
            queue_bump(pipe, STAT_DETECTIONS, detections)
        recent = [alert.to_dict() for alert in alerts if not alert.backfill]
        if recent:
            queue_push_recent(pipe, RECENT_ALERTS, recent)
        if alerts:
            queue_bump(pipe, STAT_ALERTS, len(alerts))
        await pipe.execute()

    async def record_alert(self, alert: Alert) -> None:
        """Note an emitted alert for the status page (a backfilled one is old news: counted only)."""
        if not alert.backfill:
            await push_recent(self.redis, RECENT_ALERTS, alert.to_dict())
        await bump(self.redis, STAT_ALERTS)
