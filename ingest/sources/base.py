"""What every kind of source shares: the feed it reads, what a fetch gives, how it fails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import httpx

from ingest.egress import PUBLIC_ONLY, EgressPolicy
from ingest.egress_net import Resolver, system_resolver
from ingest.items import WireItem
from ingest.websub import HubLinks
from kernel.errors import VigieError


class FeedError(VigieError):
    """A poll failed; ``reason`` is the metric label (timeout, http_5xx, too_large, ...)."""

    retryable = True

    def __init__(
        self,
        reason: str,
        message: str,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        #: What the server's ``Retry-After`` asked for, in seconds.
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much one fetch may take (and how long a produced item stays seen)."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    #: Connect, headers and the whole body: the read timeout alone never ends a slow trickle.
    deadline_s: float = 30.0
    max_body_bytes: int = 5 * 1024 * 1024
    user_agent: str = "Vigie"
    seen_ttl_s: int = 30 * 86400


class FeedRef(Protocol):
    """What a source reads of a feed (``ingest.feeds.FeedSpec``)."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def lang(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one fetch of a feed gave."""

    status: int
    items: list[WireItem] = field(default_factory=list)
    #: The feed did not change since the validators were taken (HTTP 304).
    not_modified: bool = False
    #: What to send next time to be told "not modified" (``etag``, ``last_modified``).
    validators: dict[str, str] = field(default_factory=dict)
    #: How long the server said the answer stays fresh (``Cache-Control: max-age``).
    max_age_s: float | None = None
    #: The WebSub hub the feed names, and its topic, when it offers push.
    hub: HubLinks | None = None


@dataclass(frozen=True)
class SourceContext:
    """What the poller hands a source when it builds it."""

    limits: FetchLimits = field(default_factory=FetchLimits)
    egress: EgressPolicy = PUBLIC_ONLY
    resolver: Resolver = system_resolver
    #: Politeness: concurrent connections kept to one host.
    per_host: int = 4
    keepalive_expiry_s: float = 15.0
    #: One client for every request instead of a pool per host (tests).
    http: httpx.AsyncClient | None = None


class Source(Protocol):
    """One kind of feed: fetches a feed and reads its entries; raises ``FeedError`` on failure."""

    format: ClassVar[str]

    async def fetch(self, feed: FeedRef, validators: Mapping[str, str]) -> Fetched:
        """The feed's items, or ``not_modified`` when ``validators`` say nothing changed."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
