"""HTTP for the sources that fetch over it: one small keep-alive pool per host, conditional
GET, redirects followed one hop at a time (each through the egress guard), a body size cap.

One client per host (``host_of``): httpcore scans its whole pool for every request, so one
pool of hundreds of connections costs more CPU than the polls themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.egress import EgressRefused
from ingest.egress_net import GuardedTransport
from ingest.freshness import parse_retry_after
from ingest.sources.base import FeedError, SourceContext

#: Redirects one fetch follows; one more, or a URL seen twice, is a ``redirect_loop``.
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Statuses whose ``Retry-After`` says when to come back.
RETRY_AFTER_STATUSES = frozenset({429, 503})


def host_of(url: str) -> str:
    """The politeness key of a URL: its host and port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # httpx refuses the URL a moment later, as ``bad_url``
        port = None
    return f"{parts.hostname or ''}:{port or ''}"


class HttpFetcher:
    """GETs feed URLs through the egress guard; answers ``(status, body, headers)``."""

    def __init__(self, context: SourceContext) -> None:
        self.context = context
        self.limits = context.limits
        self._tls = httpx.create_ssl_context(trust_env=False)
        self._clients: dict[str, httpx.AsyncClient] = {}

    def _client(self, url: str) -> httpx.AsyncClient:
        """The HTTP client of ``url``'s host; every connection goes through the egress guard."""
        if self.context.http is not None:
            return self.context.http
        host = host_of(url)
        client = self._clients.get(host)
        if client is None:
            connections = httpx.Limits(
                max_connections=self.context.per_host,
                max_keepalive_connections=self.context.per_host,
                keepalive_expiry=self.context.keepalive_expiry_s,
            )
            client = self._clients[host] = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    self.limits.read_timeout_s, connect=self.limits.connect_timeout_s
                ),
                follow_redirects=False,
                headers={"User-Agent": self.limits.user_agent},
                transport=GuardedTransport(
                    self.context.egress,
                    resolver=self.context.resolver,
                    limits=connections,
                    verify=self._tls,
                ),
            )
        return client

    async def aclose(self) -> None:
        """Close the HTTP clients (a shared one too)."""
        clients = list(self._clients.values())
        if self.context.http is not None:
            clients.append(self.context.http)
        self._clients.clear()
        for client in clients:
            await client.aclose()

    @contextlib.asynccontextmanager
    async def _open(self, url: str, headers: dict[str, str]) -> AsyncIterator[httpx.Response]:
        """The streamed response at the end of ``url``'s redirects, followed one hop at a time."""
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            try:
                client = self._client(url)
                request = client.build_request("GET", url, headers=headers)
            except httpx.InvalidURL as exc:
                raise FeedError("bad_url", f"invalid URL {url!r}: {exc}") from None
            response = await client.send(request, stream=True, follow_redirects=False)
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                try:
                    yield response
                finally:
                    await response.aclose()
                return
            await response.aclose()
            target = urljoin(url, location.strip())
            if urlsplit(target).scheme not in ("http", "https"):
                raise FeedError("bad_redirect", f"redirect from {url} to a non-HTTP URL {target}")
            if target in seen:
                raise FeedError(
                    "redirect_loop", f"redirect loop: {url} redirects to {target} again"
                )
            seen.add(target)
            url = target
        raise FeedError("redirect_loop", f"more than {MAX_REDIRECTS} redirects, last to {url}")

    async def get(
        self, url: str, validators: Mapping[str, str]
    ) -> tuple[int, bytes, dict[str, str]]:
        """A conditional GET of ``url``: status, body (empty on 304) and headers."""
        headers = {}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        try:
            async with self._open(url, headers) as response:
                if response.status_code == 304:
                    # Read the (empty) body to its end: only then is the connection kept alive.
                    await response.aread()
                    return 304, b"", dict(response.headers)
                if response.status_code >= 400:
                    status = response.status_code
                    family = "http_4xx" if status < 500 else "http_5xx"
                    retry_after = (
                        parse_retry_after(response.headers.get("retry-after"))
                        if status in RETRY_AFTER_STATUSES
                        else None
                    )
                    raise FeedError(family, f"HTTP {status}", status, retry_after)
                return response.status_code, await self._body(response), dict(response.headers)
        except EgressRefused as exc:
            raise FeedError("unsafe_target", str(exc)) from None
        except httpx.TimeoutException as exc:
            raise FeedError("timeout", f"timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise FeedError("connection", f"{type(exc).__name__}: {exc}") from exc

    async def _body(self, response: httpx.Response) -> bytes:
        """The body, refused as soon as it is over the cap (declared or streamed)."""
        cap = self.limits.max_body_bytes
        declared = int(response.headers.get("content-length") or 0)
        if declared > cap:
            raise FeedError("too_large", f"body of {declared} bytes", response.status_code)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise FeedError("too_large", f"body over {cap} bytes", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
