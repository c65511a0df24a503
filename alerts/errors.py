"""Why a delivery failed, and whether trying again can help.

    DeliveryError                   base: carries the channel, the reason and the HTTP status if any
    ├── RetryableDeliveryError      try again later; ``retry_after`` when the target said when
    └── PermanentDeliveryError      retrying cannot help (rejected body, bad URL, gone target)
        └── UnsafeTargetError       the target is a private or metadata address; ``rule`` says which

A channel raises these from ``send``; the worker retries the first kind with backoff and
dead-letters the second at once. A channel never lets any other exception escape on purpose.
"""

from __future__ import annotations

from kernel.errors import VigieError


class DeliveryError(VigieError):
    """A delivery failed; ``reason`` says why in words an operator can act on."""

    retryable: bool = False

    def __init__(self, reason: str, *, channel: str = "", status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.channel = channel
        self.status = status

    def __str__(self) -> str:
        prefix = f"{self.channel}: " if self.channel else ""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{prefix}{self.reason}{status}"


class RetryableDeliveryError(DeliveryError):
    """The target may accept the delivery later (5xx, 429, timeout, refused connection)."""

    retryable = True

    def __init__(
        self,
        reason: str,
        *,
        channel: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, channel=channel, status=status)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """The target will never accept this delivery as it stands (4xx, invalid URL)."""


class UnsafeTargetError(PermanentDeliveryError):
    """The target resolves to a loopback, private, link-local or metadata address."""

    def __init__(self, reason: str, *, channel: str = "", rule: str = "") -> None:
        super().__init__(reason, channel=channel)
        #: The egress rule the target broke (``loopback``, ``private``, ``metadata`` …).
        self.rule = rule
