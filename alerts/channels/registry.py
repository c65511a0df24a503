"""``ChannelRegistry``: one instance per channel kind, built on first use, sharing one HTTP client."""

from __future__ import annotations

from importlib import import_module
from typing import Any, TextIO

import httpx

from alerts.channels import CHANNEL_CLASSES, HTTP_KINDS, channel_kind
from alerts.channels.base import Channel
from alerts.errors import PermanentDeliveryError
from alerts.guard import Resolver, system_resolver

DEFAULT_TIMEOUT_S = 10.0


class ChannelRegistry:
    """Hands out the channel for a URL; owns the shared ``httpx.AsyncClient``."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        stdout: TextIO | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.allow_private = allow_private
        self.timeout_s = timeout_s
        self.stdout = stdout
        self.resolver = resolver
        # Redirects stay off: following one would bypass the SSRF check of the first URL.
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            follow_redirects=False,
            transport=transport,
        )
        self._channels: dict[str, Channel] = {}

    def channel_for(self, url: str) -> Channel:
        """The channel serving ``url``; ``PermanentDeliveryError`` for an unknown scheme."""
        kind = channel_kind(url)
        if not kind:
            raise PermanentDeliveryError(f"no channel for URL scheme of {url.split('://')[0]!r}")
        channel = self._channels.get(kind)
        if channel is None:
            channel = self._channels[kind] = self._build(kind)
        return channel

    def _build(self, kind: str) -> Channel:
        module_name, _, class_name = CHANNEL_CLASSES[kind].partition(":")
        cls: Any = getattr(import_module(module_name), class_name)
        if kind in HTTP_KINDS:
            return cls(self.http, allow_private=self.allow_private, resolver=self.resolver)
        if kind == "console":
            return cls(self.stdout)
        return cls(timeout_s=self.timeout_s)

    async def aclose(self) -> None:
        """Close every channel and the shared HTTP client."""
        for channel in self._channels.values():
            await channel.aclose()
        await self.http.aclose()
