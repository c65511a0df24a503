"""Prometheus metrics of the feed pollers (``vigie_`` prefix, ``_total`` counters, seconds)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ITEMS_FETCHED = Counter("vigie_items_fetched_total", "Entries read from feeds", ["feed", "lang"])
ITEMS_PRODUCED = Counter(
    "vigie_items_produced_total", "New or changed items produced to vigie.items", ["feed", "lang"]
)
ITEMS_SKIPPED = Counter(
    "vigie_items_skipped_total", "Entries skipped (already seen or invalid)", ["feed", "reason"]
)
FEED_ERRORS = Counter("vigie_feed_errors_total", "Failed polls by reason", ["feed", "reason"])
FEED_POLLS = Counter("vigie_feed_polls_total", "Polls by HTTP outcome", ["feed", "outcome"])
#: No feed label: with thousands of feeds, a histogram per feed is most of /metrics.
POLL_DURATION = Histogram(
    "vigie_feed_poll_duration_seconds",
    "Time to fetch, parse and publish one feed (all feeds)",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
FEED_LAST_SUCCESS = Gauge(
    "vigie_feed_last_success_timestamp_seconds", "Unix time of the last successful poll", ["feed"]
)
POLL_LAG = Histogram(
    "vigie_feed_poll_lag_seconds",
    "How late a poll started after it was due (all feeds)",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
#: WebSub: subscription requests and hub answers by outcome (requested, verified, renewed,
#: denied, failed), pushes taken in, and pushes or verifications refused by reason.
WEBSUB_SUBSCRIPTIONS = Counter(
    "vigie_websub_subscriptions_total", "WebSub subscription events by outcome", ["outcome"]
)
WEBSUB_ACTIVE = Gauge("vigie_websub_active_subscriptions", "WebSub subscriptions verified now")
WEBSUB_PUSHES = Counter(
    "vigie_websub_pushes_total", "Pushed feed bodies accepted from a hub", ["feed"]
)
WEBSUB_ITEMS = Counter(
    "vigie_websub_items_total", "New items published from pushed bodies (before any poll)", ["feed"]
)
WEBSUB_REFUSED = Counter(
    "vigie_websub_refused_total",
    "Requests to the WebSub callback refused, by request (push, verification) and reason",
    ["request", "reason"],
)
