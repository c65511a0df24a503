"""The demo feed server: serves the bundled sample feeds on 127.0.0.1, no internet needed."""

from __future__ import annotations

import functools
import logging
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

log = logging.getLogger(__name__)


def demo_dir() -> Path:
    """The folder of the bundled demo material (feeds and their feeds file)."""
    return Path(str(resources.files("vigie") / "demo"))


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
    }

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("demo feeds: " + format, *args)


class DemoFeedServer:
    """Serves a folder of feed files over HTTP (with Last-Modified, so polls get 304s)."""

    def __init__(self, folder: Path | None = None, port: int = 0) -> None:
        self.folder = folder or demo_dir() / "feeds"
        handler = functools.partial(_QuietHandler, directory=str(self.folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="demo-feeds", daemon=True
        )

    @property
    def base_url(self) -> str:
        """Base URL of the served folder."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> str:
        """Start serving in a background thread; return the base URL."""
        self._thread.start()
        log.info("demo feeds served at %s", self.base_url)
        return self.base_url

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
