"""``DeliveryPolicy``: the delivery knobs as one value object, built from settings at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.idempotency import DEFAULT_TTL_S


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Retries, timeouts, concurrency, digests and commit pacing of the alert workers."""

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

    @property
    def lease_s(self) -> float:
        """How long a claim protects one attempt: the timeout with a margin for the write-back."""
        return self.timeout_s * 1.5 + 5.0

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
        )
