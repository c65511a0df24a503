"""SSRF guard: refuse webhook and chat targets that resolve to non-public addresses.

A subscriber chooses the URL Vigie posts to, so without this guard a subscription could make
the worker probe the operator's own network or a cloud metadata endpoint.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from alerts.errors import RetryableDeliveryError, UnsafeTargetError

#: Resolves a host name to the addresses a connection could reach.
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """Whether ``address`` is globally routable (not loopback, private, link-local, metadata …)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254 metadata),
    # carrier-grade NAT (100.64/10, Alibaba metadata), ULA (fd00:ec2::254) and reserved ranges.
    return ip.is_global and not ip.is_multicast


async def check_target(
    url: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> None:
    """Raise ``UnsafeTargetError`` unless every address of ``url``'s host is public (or allowed)."""
    if allow_private:
        return
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise UnsafeTargetError(f"target {url!r} has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolver(host, port)
    except OSError as exc:
        # DNS outages pass; a name that never resolves ends in the dead letters after the retries.
        raise RetryableDeliveryError(f"cannot resolve {host}: {exc}") from exc
    refused = sorted({address for address in addresses if not is_public_address(address)})
    if refused or not addresses:
        raise UnsafeTargetError(
            f"{host} resolves to non-public address {', '.join(refused) or '(none)'}; "
            "set VIGIE_ALLOW_PRIVATE_TARGETS=1 to allow private targets"
        )
