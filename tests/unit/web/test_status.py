"""The status summaries: feed health, throughput, lag, alerts and dead letters from plain data."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.ops import LagReading, partition_lag
from vigie.web.status import (
    chart_minutes,
    charts,
    dead_row,
    feed_items_stat,
    feed_row,
    lag_summary,
    latest_alerts,
    sparkline,
    throughput,
)

NOW = 1_800_000_000.0


def health(**fields: Any) -> dict[bytes, bytes]:
    """A feed hash as redis-py returns it: bytes keys and values."""
    base = {"name": "afp-fr", "url": "https://example.org/afp.xml", "lang": "fr", "interval_s": 60}
    return {key.encode(): str(value).encode() for key, value in {**base, **fields}.items()}


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({}, "pending"),
        ({"last_poll_at": NOW - 5, "last_success_at": NOW - 5, "next_poll_at": NOW + 55}, "ok"),
        (
            {"last_poll_at": NOW - 5, "last_error": "http: 503", "last_error_at": NOW - 5},
            "error",
        ),
        (
            {"last_poll_at": NOW - 900, "last_success_at": NOW - 900, "next_poll_at": NOW - 840},
            "late",
        ),
        ({"last_poll_at": NOW - 90, "last_success_at": NOW - 90, "next_poll_at": NOW - 30}, "ok"),
    ],
)
def test_feed_state(fields: dict[str, Any], state: str) -> None:
    assert feed_row("afp-fr", health(**fields), None, NOW)["state"] == state


def test_feed_row_reads_the_poller_hash() -> None:
    row = feed_row(
        "afp-fr",
        health(
            last_poll_at=NOW - 10,
            last_success_at=NOW - 10,
            http_status=200,
            items_total=42,
            next_poll_at=NOW + 50,
            last_error="",
        ),
        7,
        NOW,
    )
    assert row == {
        "name": "afp-fr",
        "url": "https://example.org/afp.xml",
        "lang": "fr",
        "last_poll_at": NOW - 10,
        "last_success_at": NOW - 10,
        "last_error_at": None,
        "last_error": "",
        "http_status": 200,
        "items_total": 42,
        "items_last_hour": 7,
        "next_poll_at": NOW + 50,
        "interval_s": 60.0,
        "state": "ok",
    }


def test_feed_row_survives_a_partial_or_garbled_hash() -> None:
    row = feed_row("x", {"http_status": "", "items_total": "many"}, None, NOW)
    assert (row["name"], row["http_status"], row["items_total"], row["state"]) == (
        "x",
        None,
        0,
        "pending",
    )


def test_per_feed_counter_name() -> None:
    assert feed_items_stat("afp-fr") == "items:afp-fr"


def test_throughput_lists_counts_and_totals_per_stat() -> None:
    summary = throughput(
        {"items": [(100, 2), (101, 0), (102, 5)], "alerts": [(100, 0), (101, 1), (102, 0)]}
    )
    assert summary == {
        "window_minutes": 3,
        "start_minute": 100,
        "series": {"items": [2, 0, 5], "alerts": [0, 1, 0]},
        "totals": {"items": 7, "alerts": 1},
    }


def alert(alert_id: str, revision: int = 0, **event: Any) -> dict[str, Any]:
    return {
        "id": alert_id,
        "revision": revision,
        "kind": "casualty_report",
        "event": {
            "kind": "casualty_report",
            "status": "reported",
            "place": {"name": "Mossoul", "canonical": "Mosul", "country": "IQ"},
            "casualties": {"killed": 12 + revision, "wounded": None, "approximate": True},
            **event,
        },
        "sources": [{"source": "afp-fr", "lang": "fr", "url": "https://example.org/1"}],
        "headline": {
            "fr": "Mossoul (IQ) : au moins 12 morts",
            "en": "Mosul (IQ): at least 12 killed",
        },
        "first_seen": "2026-11-24T08:00:00Z",
    }


def test_alert_row_shows_place_toll_headlines_and_sources() -> None:
    [row] = latest_alerts([alert("a1")])
    assert row["place"] == "Mosul" and row["place_as_written"] == "Mossoul"
    assert row["country"] == "IQ"
    assert (row["killed"], row["wounded"], row["approximate"]) == (12, None, True)
    assert row["headline"] == {
        "fr": "Mossoul (IQ) : au moins 12 morts",
        "en": "Mosul (IQ): at least 12 killed",
    }
    assert row["sources"] == [{"source": "afp-fr", "lang": "fr", "url": "https://example.org/1"}]


def test_latest_alerts_keep_one_row_per_alert_at_its_highest_revision() -> None:
    newest_first = [alert("a2"), alert("a1", 1), alert("a1", 0), alert("a3")]
    rows = latest_alerts(newest_first)
    assert [(row["id"], row["revision"], row["killed"]) for row in rows] == [
        ("a2", 0, 12),
        ("a1", 1, 13),
        ("a3", 0, 12),
    ]
    assert [row["id"] for row in latest_alerts(newest_first, limit=2)] == ["a2", "a1"]


def test_latest_alerts_tolerate_missing_parts() -> None:
    [row] = latest_alerts([{"id": "x", "event": {}, "sources": None}])
    assert (row["place"], row["killed"], row["headline"], row["sources"]) == (
        "",
        None,
        {"fr": "", "en": ""},
        [],
    )


def test_dead_row_from_the_delivery_summary_never_shows_the_target() -> None:
    entry = {
        "id": "d1",
        "failed_at": "2026-11-24T08:00:00Z",
        "subscription_id": "s1",
        "channel": "webhook",
        "target": "https://hooks.example.org/secret-token",
        "reason": "HTTP 500 after 6 attempts",
        "attempts": 6,
        "alert_id": "a1",
        "headline": "Mosul (IQ): at least 12 killed",
    }
    row = dead_row(entry)
    assert "secret-token" not in repr(row)
    assert (row["channel"], row["reason"], row["alert_id"], row["headline"]) == (
        "webhook",
        "HTTP 500 after 6 attempts",
        "a1",
        "Mosul (IQ): at least 12 killed",
    )


def test_dead_row_from_an_entry_carrying_the_alert() -> None:
    row = dead_row({"alert": alert("a1"), "reason": "timeout", "channel": "slack"})
    assert (row["alert_id"], row["headline"]) == ("a1", "Mosul (IQ): at least 12 killed")


@pytest.mark.parametrize(
    ("end", "start", "committed", "lag"),
    [
        (10, 0, 4, 6),  # behind by six records
        (10, 0, 10, 0),  # caught up
        (10, 3, None, 7),  # never committed: reads from the earliest offset
        (10, 0, -1, 10),  # the broker's "no offset" marker
        (1, 0, 5, 0),  # end reported below the committed offset: never negative
    ],
)
def test_partition_lag(end: int, start: int, committed: int | None, lag: int) -> None:
    assert partition_lag("g", "t", 0, end, start, committed).lag == lag


def test_lag_summary_adds_up_per_group() -> None:
    reading = LagReading(
        (
            partition_lag("vigie-streams", "vigie.items", 0, 10, 0, 7),
            partition_lag("vigie-streams", "vigie.items", 1, 5, 0, 5),
            partition_lag("vigie-alerts", "vigie.alerts", 0, 4, 0, None),
        ),
        measured_at=NOW,
    )
    summary = lag_summary(reading)
    assert summary["total"] == 7
    assert summary["groups"] == {
        "vigie-streams": {"topic": "vigie.items", "lag": 3},
        "vigie-alerts": {"topic": "vigie.alerts", "lag": 4},
    }
    assert summary["error"] is None and len(summary["partitions"]) == 3


def test_lag_summary_without_a_reading_says_so() -> None:
    assert lag_summary(None)["error"] == "not measured"


@pytest.mark.parametrize(
    ("counts", "line"),
    [([], ""), ([0, 0], "▁▁"), ([0, 4, 8], "▁▅█"), ([3], "█")],
)
def test_sparkline(counts: list[int], line: str) -> None:
    assert sparkline(counts) == line


def test_charts_name_outcomes_and_add_up_per_series() -> None:
    buckets = [1_000_200, 1_000_500, 1_000_800]
    summary = charts(
        buckets,
        {"items": [4, 0, 6], "alerts": [0, 1, 0], "deliveries": [0, 1, 0], "retried": [0, 2, 0]},
    )
    assert summary["bucket_s"] == 300 and summary["start"] == 1_000_200
    assert summary["buckets"] == 3
    assert summary["pipeline"]["series"]["items"] == [4, 0, 6]
    assert summary["pipeline"]["series"]["detections"] == [0, 0, 0]
    assert summary["pipeline"]["totals"] == {"items": 10, "detections": 0, "alerts": 1}
    outcomes = summary["outcomes"]
    assert list(outcomes["series"]) == ["delivered", "retried", "dead", "silenced", "duplicate"]
    assert outcomes["series"]["delivered"] == [0, 1, 0]
    assert outcomes["totals"]["retried"] == 2 and outcomes["totals"]["dead"] == 0


DAY = [1_000_200 + 300 * index for index in range(288)]


@pytest.mark.parametrize(
    ("counted_buckets_ago", "minutes"),
    [
        ((), 15),
        ((0,), 15),
        ((2,), 15),
        ((3,), 30),
        ((11,), 60),
        ((12,), 180),
        ((40, 0), 360),
        ((100,), 720),
        ((200,), 1440),
    ],
)
def test_charts_narrow_to_the_window_holding_every_count(
    counted_buckets_ago: tuple[int, ...], minutes: int
) -> None:
    items = [0] * len(DAY)
    for ago in counted_buckets_ago:
        items[-1 - ago] = 2
    assert chart_minutes(DAY, {"items": items}) == minutes
    summary = charts(DAY, {"items": items})
    assert summary["minutes"] == minutes and summary["bucket_s"] == 300
    assert summary["buckets"] == minutes // 5 and summary["start"] == DAY[-minutes // 5]
    assert summary["pipeline"]["totals"]["items"] == 2 * len(counted_buckets_ago)


MINUTES = list(range(DAY[-1] // 60 - 55, DAY[-1] // 60 + 5))


@pytest.mark.parametrize(("first_ago", "window"), [(0, 15), (14, 15), (15, 30), (40, 60)])
def test_a_last_hour_of_counts_is_charted_per_minute(first_ago: int, window: int) -> None:
    items = [0] * len(DAY)
    items[-1 - first_ago // 5] = 5
    per_minute = {"items": [0] * 60, "retried": [0] * 59 + [1]}
    per_minute["items"][-1 - first_ago] = 5
    summary = charts(DAY, {"items": items}, MINUTES, per_minute)
    assert (summary["minutes"], summary["bucket_s"], summary["buckets"]) == (window, 60, window)
    assert summary["start"] == MINUTES[-window] * 60
    assert summary["pipeline"]["series"]["items"][-1 - first_ago] == 5
    assert summary["pipeline"]["series"]["alerts"] == [0] * window
    assert summary["outcomes"]["totals"] == {
        "delivered": 0,
        "retried": 1,
        "dead": 0,
        "silenced": 0,
        "duplicate": 0,
    }


def test_a_day_of_counts_keeps_the_five_minute_bars() -> None:
    items = [1] + [0] * (len(DAY) - 1)
    summary = charts(DAY, {"items": items}, MINUTES, {"items": [0] * 60})
    assert (summary["minutes"], summary["bucket_s"], summary["buckets"]) == (1440, 300, 288)
