"""The operator web process: status page, its JSON API, the subscriptions API and ``/metrics``.

Routes on one port (``VIGIE_STATUS_PORT``, 8470 by default):

- ``/``             the status page (static files, no CDN: it works without the internet)
- ``/api/status``   what the page shows, as one JSON object (``vigie.status/1``)
- ``/api/alerts``   the recent alerts with their detail, for the map and the detail view
- ``/api/v1/...``   the API of ``alerts.api`` (subscriptions, silences, dead letters, the history)
- ``/metrics``, ``/healthz``, ``/readyz``  as on every other Vigie process (open, no item text)

Closed by default: it listens on 127.0.0.1 unless told otherwise, refuses to listen wider
without an API token, and refuses a short or placeholder token. With a token, ``/api/status``
and the API (its docs and schema included) need ``Authorization: Bearer <token>``; the page
asks for it once and keeps it in the browser session.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from redis.asyncio import Redis

from ingest.egress import PUBLIC_ONLY, EgressPolicy, parse_address
from kernel.errors import InputError
from kernel.ops import (
    DEFAULT_LAG_INTERVAL_S,
    ConsumerLagReporter,
    health_payload,
    metrics_payload,
    ready_payload,
)
from vigie.web.alert_detail import gather_alerts
from vigie.web.status import gather_status

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
PROCESS = "web"
#: How long ``/readyz`` waits for Redis before answering "not ready".
READY_TIMEOUT_S = 2.0
#: The shortest API token accepted: a token guessable in a day is no lock.
MIN_TOKEN_LENGTH = 24
#: Tokens shown in documentation and examples; a stack that keeps one is open to anyone.
PLACEHOLDER_TOKENS = frozenset(
    {
        "change-me",
        "changeme",
        "change-this",
        "replace-me",
        "secret",
        "token",
        "vigie",
        "set-a-long-random-token-here",
        "replace-with-a-long-random-token",
    }
)


class WebConfigError(InputError):
    """The web process would run open: the message says what to set."""


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the port on this machine."""
    if host.strip().lower() == "localhost":
        return True
    address = parse_address(host)
    return address is not None and address.is_loopback


def exposure_problem(host: str, token: str | None) -> str | None:
    """Why serving on ``host`` with ``token`` would leave the stack open, or ``None``."""
    if token is not None:
        if token.strip().lower() in PLACEHOLDER_TOKENS:
            return (
                "VIGIE_API_TOKEN is a documented placeholder; set a random one, "
                "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        if len(token) < MIN_TOKEN_LENGTH:
            return f"VIGIE_API_TOKEN is shorter than {MIN_TOKEN_LENGTH} characters"
    elif not is_loopback(host):
        return (
            f"listening on {host} (beyond this machine) needs VIGIE_API_TOKEN "
            f"({MIN_TOKEN_LENGTH}+ random characters); or listen on 127.0.0.1 (VIGIE_BIND)"
        )
    return None


def bearer_matches(request: Request, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>``."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _no_urls() -> dict[str, str]:
    return {}


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Plain values the web process needs, built from settings at the entry point."""

    kafka_bootstrap: str
    redis_url: str
    port: int = 0
    host: str = "127.0.0.1"
    api_token: str | None = None
    #: What the subscriptions API accepts as channel targets.
    egress: EgressPolicy = PUBLIC_ONLY
    #: Poll interval of a feed added through the API without one (``VIGIE_POLL_INTERVAL_S``).
    feed_interval_s: float = 300.0
    lag_interval_s: float = DEFAULT_LAG_INTERVAL_S
    #: The URLs of the running stack, read again on every request (they change on restarts).
    urls: Callable[[], Mapping[str, str]] = field(default=_no_urls)
    #: The history database served under ``/api/v1/alerts`` (``None``: those routes answer 503).
    history_url: str | None = None


def create_app(
    redis: Redis,
    *,
    lag: ConsumerLagReporter | None = None,
    urls: Callable[[], Mapping[str, str]] = _no_urls,
    api: Any = None,
    token: str | None = None,
) -> FastAPI:
    """The web app over an asyncio Redis client; ``api`` is mounted under ``/api/v1``.

    With a ``token``, ``/api/status`` needs it as a bearer token.
    """
    app = FastAPI(title="Vigie", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def guarded(request: Request, gather: Callable[[], Any]) -> JSONResponse:
        if token and not bearer_matches(request, token):
            return JSONResponse(
                {"error": "missing or wrong bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
            )
        try:
            body = await gather()
        except Exception as exc:  # Redis down: say so, the page shows it and keeps polling
            log.warning("cannot gather %s: %s", request.url.path, exc)
            return JSONResponse({"error": f"cannot read Redis: {exc}"}, status_code=503)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @app.get("/api/status")
    async def status(request: Request) -> JSONResponse:
        return await guarded(
            request, lambda: gather_status(redis, lag=lag.reading if lag else None, urls=urls())
        )

    @app.get("/api/alerts")
    async def alerts(request: Request) -> JSONResponse:
        return await guarded(request, lambda: gather_alerts(redis, time.time()))

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = metrics_payload()
        return Response(body, headers={"Content-Type": content_type})

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse(health_payload(PROCESS))

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        try:
            ready = bool(await asyncio.wait_for(redis.ping(), READY_TIMEOUT_S))
        except Exception:
            ready = False
        body, code = ready_payload(PROCESS, ready)
        return JSONResponse(body, status_code=code)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if api is not None:
        app.mount("/api/v1", api)
    return app


def subscriptions_api(
    redis_url: str,
    token: str | None,
    redis: Redis | None = None,
    egress: EgressPolicy = PUBLIC_ONLY,
    history: Any = None,
    feed_interval_s: float = 300.0,
) -> Any:
    """The API app of ``alerts.api``, or ``None`` (logged) when unavailable."""
    try:
        from alerts.api import create_api
    except ImportError as exc:
        log.warning("subscriptions API not mounted under /api/v1: alerts.api unavailable (%s)", exc)
        return None
    if token is None:
        log.warning("VIGIE_API_TOKEN is not set: the subscriptions API answers 503 until it is")
    return create_api(
        redis_url,
        token,
        redis=redis,
        egress=egress,
        history=history,
        feed_interval_s=feed_interval_s,
    )


def open_history(url: str | None) -> Any:
    """The history store at ``url``, or ``None`` (logged) when it cannot be opened."""
    if url is None:
        return None
    try:
        from alerts.history.store import HistoryStore

        return HistoryStore.open(url)
    except Exception as exc:  # the status page must come up even without its history
        log.warning("the history is not served under /api/v1/alerts: %s", exc)
        return None


def _bind(host: str, port: int) -> socket.socket:
    address = parse_address(host)
    family = socket.AF_INET6 if address is not None and address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise OSError(
            f"the status page cannot listen on {host}:{port} ({exc.strerror}): "
            "set VIGIE_STATUS_PORT to a free port (0: any)"
        ) from exc
    sock.set_inheritable(True)
    return sock


@asynccontextmanager
async def serve_web(config: WebConfig) -> AsyncIterator[int]:
    """Run the web process (server and lag reporter) and yield the port it listens on.

    ``WebConfigError`` when the configuration would leave the stack open (``exposure_problem``).
    """
    problem = exposure_problem(config.host, config.api_token)
    if problem:
        raise WebConfigError(problem)
    import redis.asyncio as aioredis
    import uvicorn

    class Server(uvicorn.Server):
        # The process that runs the server owns SIGINT/SIGTERM; uvicorn must not take them.
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    redis = aioredis.Redis.from_url(config.redis_url)
    lag = ConsumerLagReporter(config.kafka_bootstrap, interval_s=config.lag_interval_s)
    stop_lag = asyncio.Event()
    history = await asyncio.to_thread(open_history, config.history_url)
    app = create_app(
        redis,
        lag=lag,
        urls=config.urls,
        api=subscriptions_api(
            config.redis_url,
            config.api_token,
            redis,
            config.egress,
            history,
            feed_interval_s=config.feed_interval_s,
        ),
        token=config.api_token,
    )
    sock = _bind(config.host, config.port)
    port = int(sock.getsockname()[1])
    server = Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", log_config=None)
    )
    tasks = [
        asyncio.create_task(server.serve(sockets=[sock]), name="vigie-web-server"),
        asyncio.create_task(lag.run(stop_lag), name="vigie-lag-reporter"),
    ]
    try:
        while not server.started:
            if tasks[0].done():
                tasks[0].result()
                raise RuntimeError("the web server stopped before it started")
            await asyncio.sleep(0.02)
        log.info("status page on http://%s:%d/ (also /api/status, /metrics)", config.host, port)
        yield port
    finally:
        server.should_exit = True
        stop_lag.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        sock.close()
        await redis.aclose()
        if history is not None:
            history.close()


async def run_web(config: WebConfig, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set."""
    async with serve_web(config):
        await stop.wait()
