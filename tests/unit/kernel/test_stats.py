"""The bucket arithmetic of the charted counters."""

from __future__ import annotations

import itertools

import pytest

from kernel.stats import BUCKET_S, CHART_TTL_S, bucket_of, bucket_span

NOON = 1_764_676_800  # 2025-12-02 12:00:00 UTC, a multiple of 300


@pytest.mark.parametrize(
    ("moment", "bucket"),
    [
        (NOON, NOON),
        (NOON + 0.5, NOON),
        (NOON + 299.99, NOON),
        (NOON + 300, NOON + 300),
        (NOON - 1, NOON - 300),
    ],
)
def test_a_moment_falls_in_the_five_minutes_that_start_at_or_before_it(
    moment: float, bucket: int
) -> None:
    assert bucket_of(moment) == bucket


def test_a_day_is_288_buckets_ending_with_the_current_one() -> None:
    span = bucket_span(24, now=NOON + 42)
    assert len(span) == 288
    assert span[-1] == NOON
    assert span[0] == NOON - 287 * BUCKET_S
    assert all(later - earlier == BUCKET_S for earlier, later in itertools.pairwise(span))


def test_the_oldest_bucket_shown_is_still_kept() -> None:
    span = bucket_span(24, now=NOON + 299)
    assert NOON + 299 - span[0] < CHART_TTL_S


def test_other_widths_and_short_spans() -> None:
    assert bucket_span(1, now=NOON + 10, width_s=60)[-1] == NOON
    assert len(bucket_span(1, now=NOON, width_s=60)) == 60
    assert bucket_span(0, now=NOON) == [NOON]
