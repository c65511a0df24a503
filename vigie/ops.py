"""The operator endpoints every long-running process serves: ``/metrics``, ``/healthz``, ``/readyz``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

log = logging.getLogger(__name__)


def _ops_app(ready: Callable[[], bool], process: str) -> web.Application:
    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "process": process})

    async def readyz(_: web.Request) -> web.Response:
        is_ready = ready()
        return web.json_response(
            {"ready": is_ready, "process": process}, status=200 if is_ready else 503
        )

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


@asynccontextmanager
async def serve_ops(
    port: int, *, process: str, ready: Callable[[], bool] = lambda: True, host: str = "0.0.0.0"
) -> AsyncIterator[int]:
    """Serve the operator endpoints on ``port`` (0: any free port) and yield the bound port."""
    runner = web.AppRunner(_ops_app(ready, process), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    log.info("%s serves /metrics, /healthz, /readyz on port %s", process, bound)
    try:
        yield bound
    finally:
        await runner.cleanup()


def install_faust_sensor(app: Any, prefix: str = "vigie_faust") -> None:
    """Attach Faust's Prometheus monitor to ``app``; its metrics land in the default registry."""
    from faust.sensors.prometheus import FaustMetrics, PrometheusMonitor

    app.monitor = PrometheusMonitor(metrics=FaustMetrics.create(REGISTRY, prefix))
