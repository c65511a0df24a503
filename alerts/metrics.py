"""Prometheus metrics of the alert workers."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ALERTS_CONSUMED = Counter("vigie_alerts_consumed_total", "Alerts read from vigie.alerts", ["kind"])
ALERTS_SILENCED = Counter(
    "vigie_alerts_silenced_total", "Alerts not delivered because a silence matched", ["kind"]
)
DELIVERIES = Counter(
    "vigie_deliveries_total", "Delivery outcomes per channel", ["channel", "outcome"]
)
DELIVERY_ATTEMPTS = Counter(
    "vigie_delivery_attempts_total", "Delivery attempts per channel", ["channel"]
)
DELIVERY_LATENCY = Histogram(
    "vigie_delivery_latency_seconds",
    "From alert produced to delivery acknowledged",
    ["channel"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
DEAD_LETTERS = Counter("vigie_dead_letters_total", "Deliveries sent to vigie.dead", ["channel"])
DUPLICATES_SUPPRESSED = Counter(
    "vigie_deliveries_suppressed_total", "Deliveries skipped because already done", ["channel"]
)
DELIVERIES_QUEUED = Counter(
    "vigie_deliveries_queued_total",
    "Deliveries put in their target's backlog to be retried",
    ["channel"],
)
BREAKER_OPENED = Counter(
    "vigie_circuit_opened_total", "Targets paused by their circuit breaker", ["channel"]
)
BACKLOG_TARGETS = Gauge(
    "vigie_delivery_backlog_targets", "Targets with deliveries waiting for a retry"
)
TEMPLATE_FAILURES = Counter(
    "vigie_template_failures_total",
    "Messages sent with the default text because the subscription's template failed",
    ["channel"],
)

HISTORY_WRITES = Counter(
    "vigie_history_revisions_total",
    "Alert revisions read by the history writer: new ones kept, repeats skipped",
    ["outcome"],
)
HISTORY_BATCH_SECONDS = Histogram(
    "vigie_history_batch_seconds",
    "Time to write one batch of alerts to the history database",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)
