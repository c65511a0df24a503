"""``DeliveryPolicy``: the delivery knobs as one value object, built from settings at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.breaker import DEFAULT_THRESHOLD
from alerts.idempotency import DEFAULT_TTL_S

#: How long a failing delivery is retried before it becomes a dead letter.
DEFAULT_RETRY_HORIZON_S = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Retries, timeouts, concurrency, digests and commit pacing of the alert workers."""

    #: Tries of a synchronous delivery (``vigie dead retry``); the worker retries until the horizon.
    attempts: int = 6
    backoff_s: float = 1.0
    backoff_max_s: float = 300.0
    timeout_s: float = 10.0
    channel_concurrency: int = 4
    digest_threshold: int = 5
    digest_window_s: float = 300.0
    revision_merge_window_s: float = 60.0
    idempotency_ttl_s: int = DEFAULT_TTL_S
    commit_interval_s: float = 1.0
    flush_interval_s: float = 0.5
    max_in_flight: int = 2000
    #: Alerts handled at the same time by one worker (each may fan out to many targets).
    max_concurrent_alerts: int = 256
    #: Redis connections of one worker; callers wait for a free one rather than fail.
    redis_connections: int = 64
    #: A delivery that keeps failing is retried from its target's backlog for this long.
    retry_horizon_s: float = DEFAULT_RETRY_HORIZON_S
    #: Consecutive failures of a target that open its circuit breaker.
    breaker_threshold: int = DEFAULT_THRESHOLD

    @property
    def lease_s(self) -> float:
        """How long a claim protects one attempt: the timeout with a margin for the write-back."""
        return self.timeout_s * 1.5 + 5.0

    @property
    def key_ttl_s(self) -> int:
        """Idempotency keys outlive the longest a delivery can wait in a backlog."""
        return max(self.idempotency_ttl_s, int(self.retry_horizon_s) + 24 * 3600)

    @classmethod
    def from_settings(cls, settings: Any) -> DeliveryPolicy:
        """The policy of the ``VIGIE_DELIVERY_*`` / ``VIGIE_DIGEST_*`` settings."""
        return cls(
            attempts=settings.delivery_attempts,
            backoff_s=settings.delivery_backoff_s,
            backoff_max_s=settings.delivery_backoff_max_s,
            timeout_s=settings.delivery_timeout_s,
            channel_concurrency=settings.channel_concurrency,
            digest_threshold=settings.digest_threshold,
            digest_window_s=settings.digest_window_s,
            revision_merge_window_s=settings.revision_merge_window_s,
            commit_interval_s=settings.delivery_commit_interval_s,
            retry_horizon_s=settings.delivery_retry_horizon_s,
            breaker_threshold=settings.delivery_breaker_threshold,
        )
