"""Prometheus metrics of the stream workers (labelled ones look their children up once)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from kernel.ops import CachedLabels

ITEMS_CONSUMED = CachedLabels(
    Counter("vigie_stream_items_total", "Items read from vigie.items", ["lang"])
)
ITEMS_REJECTED = CachedLabels(
    Counter("vigie_stream_items_rejected_total", "Items that could not be read", ["reason"])
)
NEAR_DUPLICATES = CachedLabels(
    Counter(
        "vigie_near_duplicates_total",
        "Items recognised as a copy of an item already seen",
        ["lang"],
    )
)
DETECTIONS = CachedLabels(
    Counter("vigie_detections_total", "Events detected", ["kind", "lang", "status"])
)
DEDUP_HITS = CachedLabels(
    Counter("vigie_dedup_hits_total", "Detections merged into an event already alerted", ["kind"])
)
ITEMS_TOO_OLD = CachedLabels(
    Counter(
        "vigie_stream_items_too_old_total",
        "Detections in items older than events are kept, not alerted (replay them with --backfill)",
        ["kind"],
    )
)
ALERTS_EMITTED = CachedLabels(Counter("vigie_alerts_emitted_total", "New alerts emitted", ["kind"]))
REVISIONS_EMITTED = CachedLabels(
    Counter("vigie_alert_revisions_emitted_total", "Alert revisions emitted", ["kind"])
)
DETECT_DURATION = Histogram(
    "vigie_detect_duration_seconds",
    "Time to detect events in one item",
    buckets=(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1),
)
BATCH_SIZE = Histogram(
    "vigie_stream_batch_size",
    "Records taken together by the stream worker (what had arrived, up to its limit)",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
