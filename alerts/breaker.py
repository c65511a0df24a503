"""``CircuitBreaker``: when a delivery target may be tried again. Pure: the clock is injected.

    closed ──(threshold consecutive failures)──► open ──(backoff elapsed)──► half-open
      ▲                                            ▲                            │ one probe
      └───────────────(probe succeeds)─────────────┼────────────────────────────┤
                                                   └──────(probe fails: longer backoff)

While closed the target is tried at once, except during the backoff that follows a failure.
While open nothing is tried: deliveries wait in the target's backlog. Half-open lets exactly one
attempt through (the head of the backlog); its answer closes the breaker or opens it again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from alerts.retry import backoff_delay

#: Consecutive failures that open the breaker.
DEFAULT_THRESHOLD = 5
#: A ``Retry-After`` longer than the backoff cap is honoured up to this many seconds.
RETRY_AFTER_MAX_S = 3600.0

Clock = Callable[[], float]


class CircuitState(StrEnum):
    """Where a target's breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class CircuitBreaker:
    """Consecutive failures, the time before which nothing is tried, and the last error of one target."""

    threshold: int = DEFAULT_THRESHOLD
    base_s: float = 1.0
    max_s: float = 300.0
    clock: Clock = field(default=time.time, repr=False, compare=False)
    rng: random.Random | None = field(default=None, repr=False, compare=False)
    failures: int = 0
    retry_at: float = 0.0
    last_error: str = ""
    #: A half-open probe is in flight (not persisted: a crashed probe is retried after backoff).
    probing: bool = False

    @property
    def state(self) -> CircuitState:
        """Closed below the threshold; else open until ``retry_at``, half-open after."""
        if self.failures < self.threshold:
            return CircuitState.CLOSED
        return CircuitState.HALF_OPEN if self.clock() >= self.retry_at else CircuitState.OPEN

    @property
    def backing_off(self) -> bool:
        """Whether an attempt now would come before the backoff of the last failure ends."""
        return self.clock() < self.retry_at

    def acquire(self) -> bool:
        """Whether an attempt may start now; in half-open only the first caller gets the probe."""
        state = self.state
        if state is CircuitState.OPEN or self.backing_off:
            return False
        if state is CircuitState.HALF_OPEN:
            if self.probing:
                return False
            self.probing = True
        return True

    def record_success(self) -> None:
        """The target accepted (or answered definitively): close and forget the failures."""
        self.failures = 0
        self.retry_at = 0.0
        self.last_error = ""
        self.probing = False

    def record_failure(self, error: str = "", retry_after_s: float | None = None) -> float:
        """The target failed: back off (longer each time, at least ``Retry-After``); returns ``retry_at``."""
        self.failures += 1
        self.probing = False
        self.last_error = error
        delay = backoff_delay(self.failures, base_s=self.base_s, max_s=self.max_s, rng=self.rng)
        if retry_after_s is not None:
            # The target said when; waiting costs nothing but the backlog, so honour it past the cap.
            delay = max(delay, min(retry_after_s, RETRY_AFTER_MAX_S))
        self.retry_at = self.clock() + delay
        return self.retry_at

    def to_dict(self) -> dict[str, Any]:
        """The persisted part of the state."""
        return {"failures": self.failures, "retry_at": self.retry_at, "last_error": self.last_error}

    def restore(self, data: dict[str, Any] | None) -> CircuitBreaker:
        """Take the persisted state back (``None``: a target never seen failing); returns ``self``."""
        data = data or {}
        self.failures = int(data.get("failures") or 0)
        self.retry_at = float(data.get("retry_at") or 0.0)
        self.last_error = str(data.get("last_error") or "")
        self.probing = False
        return self
