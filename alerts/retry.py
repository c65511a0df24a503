"""Backoff with jitter and ``Retry-After`` parsing: pure functions, no clock reads but ``now``."""

from __future__ import annotations

import random

from ingest.freshness import parse_retry_after

__all__ = ["backoff_delay", "parse_retry_after"]


def backoff_delay(
    attempt: int,
    *,
    base_s: float,
    max_s: float,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait after failed ``attempt`` (1-based): exponential, jittered, never below Retry-After.

    Equal jitter keeps at least half the exponential step so a crowd of retries spreads out
    without collapsing back onto the target; a ``Retry-After`` the target sent wins over the
    jittered value but is still capped by ``max_s`` so a hostile header cannot park a worker.
    """
    ceiling = min(max_s, base_s * (2 ** max(attempt - 1, 0)))
    uniform = (rng or random).uniform
    delay = ceiling / 2 + uniform(0, ceiling / 2)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return max(0.0, min(delay, max_s))
