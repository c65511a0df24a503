"""Connections that go only where ``EgressPolicy`` allows, to the very address it checked.

Three doors, one rule (``ingest.egress``):

- ``GuardedTransport``: an httpx transport whose network backend resolves the host, checks every
  address and connects to a checked one. TLS still verifies the host name, and httpx never
  resolves the name a second time, so DNS rebinding cannot slip between check and connect.
- ``open_checked_socket``: the same for clients that accept a connected socket (SMTP).
- ``guarded_sockets``: for libraries that open their own sockets in threads (Apprise), an audit
  hook refuses any ``connect``/``sendto`` to an address the policy refuses while it is active.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from ingest.egress import EgressPolicy, EgressRefused, IPAddress, parse_address

#: Resolves a host name to the addresses a connection could reach.
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_checked(
    host: str,
    port: int,
    policy: EgressPolicy,
    resolver: Resolver = system_resolver,
    timeout: float | None = None,
) -> list[IPAddress]:
    """The addresses of ``host`` the policy allows; ``EgressRefused`` if any is refused.

    Resolution failures raise ``OSError`` (``TimeoutError`` past ``timeout``).
    """
    policy.check_host(host)
    literal = parse_address(host)
    if literal is not None:
        return [literal]
    async with asyncio.timeout(timeout):
        addresses = await resolver(host, port)
    return policy.check_resolved(host, addresses)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer with the egress check between name and connection."""

    def __init__(
        self,
        policy: EgressPolicy,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable address of ``host`` that the policy allows."""
        try:
            addresses = await resolve_checked(host, port, self.policy, self.resolver, timeout)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never: a Unix socket is this machine."""
        raise EgressRefused(path, "", "local-socket")

    async def sleep(self, seconds: float) -> None:
        """Sleep as the wrapped backend does."""
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport that connects only to addresses the policy allows (no proxies)."""

    def __init__(
        self,
        policy: EgressPolicy,
        *,
        resolver: Resolver = system_resolver,
        limits: httpx.Limits | None = None,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        limits = limits or httpx.Limits()
        # One TLS context for both layers (and for many transports when the caller shares it):
        # loading the CA bundle is the costly part of a transport.
        context = (
            verify
            if isinstance(verify, ssl.SSLContext)
            else httpx.create_ssl_context(verify=verify, trust_env=False)
        )
        # No proxy from the environment: a proxy would make the connection, not the guard.
        super().__init__(verify=context, limits=limits, trust_env=False)
        # httpx has no argument for the network backend: give its pool one that checks.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(policy, resolver),
        )


async def open_checked_socket(
    host: str,
    port: int,
    policy: EgressPolicy,
    *,
    resolver: Resolver = system_resolver,
    timeout: float | None = None,
) -> socket.socket:
    """A TCP socket connected to an allowed address of ``host`` (for clients taking ``sock=``)."""
    addresses = await resolve_checked(host, port, policy, resolver, timeout)
    loop = asyncio.get_running_loop()
    error: OSError = OSError(f"no address for {host}")
    for address in addresses:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_connect(sock, (str(address), port))
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error


# --- libraries that make their own sockets -------------------------------------------------


@dataclass
class SocketGuard:
    """The policy sockets obey while ``guarded_sockets`` is active, and what it refused."""

    policy: EgressPolicy
    refused: list[EgressRefused] = field(default_factory=list)

    def check(self, address: Any) -> None:
        """Raise ``EgressRefused`` unless ``address`` (a socket address) may be reached."""
        if isinstance(address, str | bytes):
            raise self._refuse(EgressRefused(str(address), "", "local-socket"))
        if not isinstance(address, tuple) or not address:
            return
        host = str(address[0])
        try:
            if parse_address(host) is not None:
                self.policy.check_address(host, host)
                return
            self.policy.check_host(host)
            # A name passed to connect() is resolved by the socket itself: check all it may get.
            infos = socket.getaddrinfo(host, address[1], type=socket.SOCK_STREAM)
            self.policy.check_resolved(host, [str(info[4][0]) for info in infos])
        except EgressRefused as refused:
            raise self._refuse(refused) from None

    def _refuse(self, refused: EgressRefused) -> EgressRefused:
        self.refused.append(refused)
        return refused


_ACTIVE: ContextVar[SocketGuard | None] = ContextVar("vigie_socket_guard", default=None)
_GUARDED_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audited event of the process: return at once for anything else.
    if event not in _GUARDED_EVENTS:
        return
    guard = _ACTIVE.get()
    if guard is not None and len(args) > 1 and args[1] is not None:
        guard.check(args[1])


@contextlib.contextmanager
def guarded_sockets(policy: EgressPolicy) -> Iterator[SocketGuard]:
    """Within this block (and threads started with its context), sockets obey ``policy``."""
    global _hook_installed
    if not _hook_installed:
        # Audit hooks cannot be removed; this one does nothing outside a guarded block.
        sys.addaudithook(_audit)
        _hook_installed = True
    guard = SocketGuard(policy)
    token = _ACTIVE.set(guard)
    try:
        yield guard
    finally:
        _ACTIVE.reset(token)


# --- checks before start -------------------------------------------------------------------


async def refused_urls(
    entries: Iterable[tuple[str, str]],
    policy: EgressPolicy,
    *,
    resolver: Resolver = system_resolver,
    timeout: float = 3.0,
) -> list[str]:
    """For each ``(label, url)`` the policy refuses, ``"label: why"``.

    A host that does not resolve now is not refused here: DNS may be down at start, and every
    connection is checked again when it is made.
    """

    async def check(label: str, url: str) -> str | None:
        parts = urlsplit(url)
        host = parts.hostname
        if not host:
            return None
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return f"{label}: invalid port in {url!r}"
        try:
            await resolve_checked(host, port, policy, resolver, timeout)
        except EgressRefused as refused:
            return f"{label}: {refused}"
        except OSError:
            return None
        return None

    found = await asyncio.gather(*(check(label, url) for label, url in entries))
    return [problem for problem in found if problem]
