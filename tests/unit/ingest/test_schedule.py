"""When a feed is polled next: the interval jittered, backoff, and what the server asked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.freshness import parse_max_age, parse_retry_after
from ingest.schedule import JITTER, MAX_BACKOFF_S, first_delay, next_delay
from ingest.sources.http import host_of


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("max-age=120", 120.0),
        ("public, max-age=30, must-revalidate", 30.0),
        ('max-age="45"', 45.0),
        ("max-age=60, s-maxage=600", 600.0),
        ("no-cache", 0.0),
        ("private, no-store", 0.0),
        ("public", None),
        ("max-age=soon", None),
    ],
)
def test_parse_max_age(header: str | None, expected: float | None) -> None:
    assert parse_max_age(header) == expected


def test_retry_after_as_a_date() -> None:
    now = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 02 Dec 2026 06:02:00 GMT", now) == 120.0


def test_a_healthy_feed_comes_back_at_its_interval_give_or_take_the_jitter() -> None:
    delays = [next_delay(60.0, 0) for _ in range(500)]
    assert all(60 * (1 - JITTER) <= delay <= 60 * (1 + JITTER) for delay in delays)
    assert len({round(delay, 3) for delay in delays}) > 100  # no two feeds in lockstep


@pytest.mark.parametrize(
    ("failures", "retry_after", "max_age", "low", "high"),
    [
        (0, None, 600.0, 600.0, 600.0),  # fresh for longer than the interval: wait
        (0, None, 5.0, 57.0, 63.0),  # fresh for less: the interval still rules
        (0, None, 86400.0, MAX_BACKOFF_S, MAX_BACKOFF_S),  # never parked for a day
        (1, 300.0, None, 300.0, 300.0),  # throttled: come back when asked
        (1, 1.0, None, 96.0, 144.0),  # asked for less than the backoff: back off anyway
        (1, 10**9, None, MAX_BACKOFF_S, MAX_BACKOFF_S),
    ],
)
def test_the_server_only_pushes_the_next_poll_later(
    failures: int, retry_after: float | None, max_age: float | None, low: float, high: float
) -> None:
    delay = next_delay(60.0, failures, retry_after_s=retry_after, max_age_s=max_age)
    assert low <= delay <= high


def test_after_the_first_poll_feeds_spread_over_the_whole_interval() -> None:
    delays = [next_delay(60.0, 0, first=True) for _ in range(500)]
    assert all(0 <= delay <= 60.0 for delay in delays)
    assert min(delays) < 10 and max(delays) > 50  # not the start's burst again, one interval on
    assert next_delay(60.0, 0, max_age_s=300.0, first=True) == 300.0


def test_first_polls_spread_over_the_interval_at_most() -> None:
    assert all(0 <= first_delay(60.0, 10_000) <= 60.0 for _ in range(100))
    assert max(first_delay(60.0, 10_000) for _ in range(200)) > 30.0
    assert all(first_delay(60.0, 3) <= 0.03 for _ in range(100))  # a few feeds start at once


def test_politeness_is_per_host_and_port() -> None:
    assert host_of("http://127.0.0.1:8080/a.xml") == host_of("http://127.0.0.1:8080/b.xml")
    assert host_of("http://127.0.0.1:8080/a.xml") != host_of("http://127.0.0.1:8081/a.xml")
    assert host_of("https://Wire.Example/feed") == "wire.example:"
