"""``ChannelRegistry``: one instance per channel kind, built on first use, sharing one HTTP client."""

from __future__ import annotations

from typing import TextIO

import httpx

from alerts.channels import channel_class
from alerts.channels.base import Channel, ChannelContext
from alerts.errors import PermanentDeliveryError
from ingest.egress import EgressPolicy
from ingest.egress_net import GuardedTransport, Resolver, system_resolver

DEFAULT_TIMEOUT_S = 10.0


class ChannelRegistry:
    """Hands out the channel for a URL; owns the shared ``httpx.AsyncClient``.

    Every channel connects only where ``egress`` allows (public addresses by default;
    ``allow_private`` is the short form of ``EgressPolicy(allow_private=True)``).
    """

    def __init__(
        self,
        *,
        egress: EgressPolicy | None = None,
        allow_private: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        stdout: TextIO | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.egress = egress or EgressPolicy(allow_private=allow_private)
        self.timeout_s = timeout_s
        self.stdout = stdout
        self.resolver = resolver
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        # Redirects stay off: a channel answers the POST itself, it does not send us elsewhere.
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            limits=limits,
            follow_redirects=False,
            transport=transport or GuardedTransport(self.egress, resolver=resolver, limits=limits),
        )
        self.context = ChannelContext(
            http=self.http,
            timeout_s=timeout_s,
            egress=self.egress,
            resolver=resolver,
            stdout=stdout,
        )
        self._channels: dict[str, Channel] = {}

    def channel_for(self, url: str) -> Channel:
        """The channel serving ``url``; ``PermanentDeliveryError`` for an unknown scheme."""
        cls = channel_class(url)
        if cls is None:
            raise PermanentDeliveryError(f"no channel for URL scheme of {url.split('://')[0]!r}")
        channel = self._channels.get(cls.kind)
        if channel is None:
            channel = self._channels[cls.kind] = cls.build(self.context)
        return channel

    async def aclose(self) -> None:
        """Close every channel and the shared HTTP client."""
        for channel in self._channels.values():
            await channel.aclose()
        await self.http.aclose()
