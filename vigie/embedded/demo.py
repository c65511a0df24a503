"""The demo feed server: serves the bundled sample feeds on 127.0.0.1, no internet needed.

The sample items carry fixed dates; the server maps them onto the last two hours, the newest
a few minutes before the server started. Stories keep their order, read as fresh news on the
status page, and are never too old for the dedup windows however long ago they were written.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_RSS_DATE = re.compile(rb"<(pubDate|lastBuildDate)>([^<]+)</\1>")
_ATOM_DATE = re.compile(rb"<(updated|published)>([^<]+)</\1>")
#: How long before the server started the newest demo item appears to have been published.
NEWEST_AGE = timedelta(minutes=5)
#: The longest span the demo items are spread over.
SPAN = timedelta(hours=2)


def demo_dir() -> Path:
    """The folder of the bundled demo material (feeds and their feeds file)."""
    return Path(str(resources.files("vigie") / "demo"))


def _dates(document: bytes) -> list[datetime]:
    found = []
    for match in _RSS_DATE.finditer(document):
        found.append(parsedate_to_datetime(match.group(2).decode().strip()))
    for match in _ATOM_DATE.finditer(document):
        found.append(datetime.fromisoformat(match.group(2).decode().strip().replace("Z", "+00:00")))
    return found


def move_dates(document: bytes, move: Callable[[datetime], datetime]) -> bytes:
    """The feed with every RSS and Atom date replaced by ``move(date)`` (formats preserved)."""

    def rss(match: re.Match[bytes]) -> bytes:
        moved = move(parsedate_to_datetime(match.group(2).decode().strip()))
        return b"<%s>%s</%s>" % (match.group(1), format_datetime(moved).encode(), match.group(1))

    def atom(match: re.Match[bytes]) -> bytes:
        text = match.group(2).decode().strip().replace("Z", "+00:00")
        moved = move(datetime.fromisoformat(text)).astimezone(UTC)
        stamp = moved.isoformat().replace("+00:00", "Z")
        return b"<%s>%s</%s>" % (match.group(1), stamp.encode(), match.group(1))

    return _ATOM_DATE.sub(atom, _RSS_DATE.sub(rss, document))


def load_demo_feeds(folder: Path, now: datetime | None = None) -> dict[str, bytes]:
    """Every ``*.xml`` of ``folder`` by file name, dates mapped onto the ``SPAN`` before ``now``."""
    documents = {path.name: path.read_bytes() for path in sorted(folder.glob("*.xml"))}
    dates = [date for body in documents.values() for date in _dates(body)]
    if not dates:
        return documents
    newest, oldest = max(dates), min(dates)
    end = (now or datetime.now(UTC)) - NEWEST_AGE
    scale = min(1.0, SPAN / (newest - oldest)) if newest > oldest else 1.0

    def move(date: datetime) -> datetime:
        return end - (newest - date) * scale

    return {name: move_dates(body, move) for name, body in documents.items()}


class DemoFeedServer:
    """Serves the demo feeds over HTTP, with Last-Modified so repeated polls get 304s."""

    def __init__(self, folder: Path | None = None, port: int = 0) -> None:
        self.folder = folder or demo_dir() / "feeds"
        self.documents = load_demo_feeds(self.folder)
        self.last_modified = format_datetime(datetime.now(UTC), usegmt=True)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = server.documents.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                if self.headers.get("If-Modified-Since") == server.last_modified:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", server.last_modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("demo feeds: " + format, *args)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
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
