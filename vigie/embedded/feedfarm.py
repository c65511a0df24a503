"""The feed farm: thousands of synthetic wire feeds on 127.0.0.1, for benches and tests.

One aiohttp application serves ``feeds`` feeds (RSS and Atom, French and English) spread over
``hosts`` ports, so a poller sees as many servers. Each feed answers conditional GETs
(``ETag`` / ``If-None-Match`` first, else ``Last-Modified`` / ``If-Modified-Since``) with 304s
while nothing changed. ``publish`` puts a new item at the top of a feed now and records when;
``rate`` publishes generic items on random healthy feeds by itself. A share of the feeds is
slow (answers after ``slow_s``), failing (500) or throttled (429 with ``Retry-After``).

With ``hub=True`` the farm is also a WebSub hub: every feed names it (``rel="hub"``, and its own
URL as ``rel="self"``), ``POST /hub`` takes subscriptions and checks the subscriber's intent
with a GET on its callback, and ``publish`` pushes the feed's new version to each verified
subscriber of it, signed with the subscriber's secret (``X-Hub-Signature-256``).

Run it alone with ``python -m vigie.embedded.feedfarm --feeds 1000`` (it writes the feeds file
for ``vigie ingest`` / ``vigie up --feeds`` and serves until Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import logging
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

import aiohttp
from aiohttp import web

from ingest.items import stable_item_id

log = logging.getLogger(__name__)

#: What a feed does when polled.
HEALTHY, SLOW, FAILING, THROTTLED = "healthy", "slow", "failing", "throttled"
#: Items a feed keeps; older ones fall off the end as on a real wire.
KEEP_ITEMS = 10
#: Seconds a throttled feed asks the poller to wait.
RETRY_AFTER_S = 120

CITIES = ("Mosul", "Aleppo", "Kharkiv", "Goma", "Gao", "Sirte", "Kherson", "Bamako", "Homs")
_EN_LINES = (
    "Parliament debates the budget for {city} schools",
    "Storm warning issued for the coast near {city}",
    "Ministers meet in {city} to discuss grain exports",
    "Power restored in most districts of {city}",
    "Rebels took control of {city} on {day}, residents said",
    "At least {count} people killed in shelling of {city}, officials said",
    "Talks on a ceasefire around {city} resume next week",
    "Rail traffic to {city} disrupted by a strike",
)
_FR_LINES = (
    "Le conseil municipal de {city} vote le budget des écoles",
    "Alerte aux orages sur la côte près de {city}",
    "Les ministres réunis à {city} pour parler des exportations de blé",
    "Le courant rétabli dans la plupart des quartiers de {city}",
    "Les rebelles ont pris le contrôle de {city} {day}, selon des habitants",
    "Au moins {count} morts dans des bombardements à {city}, selon les autorités",
    "Les pourparlers sur une trêve autour de {city} reprennent la semaine prochaine",
    "Le trafic ferroviaire vers {city} perturbé par une grève",
)
_DAYS = {"en": "Monday", "fr": "lundi"}


def synthetic_line(lang: str, rng: random.Random) -> str:
    """A short wire-like line in ``lang``; a few report a capture or casualties."""
    template = rng.choice(_FR_LINES if lang == "fr" else _EN_LINES)
    return template.format(city=rng.choice(CITIES), day=_DAYS[lang], count=rng.randint(3, 60))


@dataclass(frozen=True, slots=True)
class FarmItem:
    """One item published into a feed, and when."""

    guid: str
    title: str
    summary: str
    published_at: float

    @property
    def item_id(self) -> str:
        """The ``WireItem`` id ingest gives this item."""
        return stable_item_id(self.guid, None)


@dataclass
class FarmFeed:
    """One synthetic feed: its items, validators and behaviour."""

    index: int
    name: str
    lang: str
    format: str
    behaviour: str
    host: int
    port: int = 0
    items: tuple[FarmItem, ...] = ()
    version: int = 0
    last_modified: str = ""
    body: bytes = b""
    #: The WebSub hub the feed names; empty when the farm runs without one.
    hub_url: str = ""

    @property
    def path(self) -> str:
        return f"/feeds/{self.name}.xml"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    @property
    def etag(self) -> str:
        return f'"{self.name}-{self.version}"'

    def render(self) -> bytes:
        """The feed document of the current items."""
        if self.format == "atom":
            return _atom(self).encode("utf-8")
        return _rss(self).encode("utf-8")


def _hub_links(feed: FarmFeed, tag: str) -> str:
    if not feed.hub_url:
        return ""
    return (
        f'<{tag} rel="hub" href={quoteattr(feed.hub_url)}/>'
        f'<{tag} rel="self" href={quoteattr(feed.url)}/>'
    )


def _rss(feed: FarmFeed) -> str:
    entries = "".join(
        f'<item><guid isPermaLink="false">{escape(item.guid)}</guid>'
        f"<title>{escape(item.title)}</title><description>{escape(item.summary)}</description>"
        f"<link>{escape(feed.url)}#{escape(item.guid)}</link>"
        f"<pubDate>{format_datetime(_utc(item.published_at))}</pubDate></item>"
        for item in feed.items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{feed.name}</title><link>{escape(feed.url)}</link>{_hub_links(feed, 'atom:link')}"
        f"<description>Synthetic wire</description><language>{feed.lang}</language>"
        f"{entries}</channel></rss>"
    )


def _atom(feed: FarmFeed) -> str:
    updated = _utc(feed.items[0].published_at if feed.items else 0.0).isoformat()
    entries = "".join(
        f"<entry><id>{escape(item.guid)}</id><title>{escape(item.title)}</title>"
        f"<summary>{escape(item.summary)}</summary>"
        f"<link href={quoteattr(feed.url + '#' + item.guid)}/>"
        f"<updated>{_utc(item.published_at).isoformat()}</updated></entry>"
        for item in feed.items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{feed.lang}">'
        f"<title>{feed.name}</title><id>urn:vigie-farm:{feed.name}</id>{_hub_links(feed, 'link')}"
        f"<updated>{updated}</updated>{entries}</feed>"
    )


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


@dataclass
class FarmStats:
    """What the farm answered, by status, and the requests in flight."""

    answers: Counter[int] = field(default_factory=Counter)
    in_flight: int = 0
    peak_in_flight: int = 0

    @property
    def requests(self) -> int:
        return sum(self.answers.values())


@dataclass
class HubSubscriber:
    """A callback the farm's hub verified for one topic, with its secret."""

    callback: str
    secret: str
    lease_s: float
    verified_at: float


@dataclass
class HubStats:
    """What the farm's hub did: requests by mode, verifications, pushes by answer status."""

    requests: Counter[str] = field(default_factory=Counter)
    verified: int = 0
    unverified: int = 0
    pushes: Counter[int] = field(default_factory=Counter)


class FeedFarm:
    """Serves synthetic feeds; ``publish`` adds items, ``published`` remembers them all."""

    def __init__(
        self,
        feeds: int,
        *,
        hosts: int = 1,
        seed: int = 7,
        initial_items: int = 2,
        rate: float = 0.0,
        slow_share: float = 0.0,
        failing_share: float = 0.0,
        throttled_share: float = 0.0,
        slow_s: float = 2.0,
        max_age_s: int | None = None,
        hub: bool = False,
        hub_lease_s: float | None = None,
    ) -> None:
        self.hosts = max(1, hosts)
        #: The port of each host, known once the farm serves.
        self.ports: list[int] = []
        self.rng = random.Random(seed)
        self.rate = rate
        self.slow_s = slow_s
        self.max_age_s = max_age_s
        self.stats = FarmStats()
        self.hub = hub
        #: The longest lease the hub grants (``None``: what the subscriber asks).
        self.hub_lease_s = hub_lease_s
        self.hub_stats = HubStats()
        #: Topic (feed URL) -> callback -> verified subscriber.
        self.subscribers: dict[str, dict[str, HubSubscriber]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._serving: asyncio.AbstractEventLoop | None = None
        self._pushes: set[asyncio.Task[None]] = set()
        self.published: dict[str, FarmItem] = {}
        self._sequence = 0
        self._lock = threading.Lock()
        self.feeds: list[FarmFeed] = []
        shares = ((SLOW, slow_share), (FAILING, failing_share), (THROTTLED, throttled_share))
        for index in range(feeds):
            lang = "fr" if index % 2 else "en"
            behaviour = HEALTHY
            draw = self.rng.random()
            for name, share in shares:
                if draw < share:
                    behaviour = name
                    break
                draw -= share
            self.feeds.append(
                FarmFeed(
                    index=index,
                    name=f"farm-{index:05d}-{lang}",
                    lang=lang,
                    format="atom" if index % 4 >= 2 else "rss",
                    behaviour=behaviour,
                    host=index % self.hosts,
                )
            )
        self._by_path = {feed.path: feed for feed in self.feeds}
        for feed in self.feeds:
            for _ in range(initial_items):
                self.publish(feed.index)
        self._runner: web.AppRunner | None = None
        self._publisher: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def healthy(self) -> list[FarmFeed]:
        """The feeds that answer at once."""
        return [feed for feed in self.feeds if feed.behaviour == HEALTHY]

    def publish(self, index: int, title: str | None = None, summary: str | None = None) -> FarmItem:
        """Put a new item at the top of feed ``index`` now; return it (thread-safe)."""
        feed = self.feeds[index]
        with self._lock:
            self._sequence += 1
            line = title or synthetic_line(feed.lang, self.rng)
            item = FarmItem(
                guid=f"{feed.name}-{self._sequence}",
                title=line,
                summary=summary or f"{line}.",
                published_at=time.time(),
            )
            self.published[item.guid] = item
            # A new tuple, not a mutation: a request renders either the old or the new items.
            feed.items = (item, *feed.items[: KEEP_ITEMS - 1])
            feed.version += 1
            feed.last_modified = format_datetime(_utc(item.published_at), usegmt=True)
            feed.body = b""
        if self._serving is not None and self.subscribers.get(feed.url):
            self._serving.call_soon_threadsafe(self._start_push, feed)
        return item

    def feeds_yaml(self, interval_s: float, feeds: list[FarmFeed] | None = None) -> str:
        """A feeds file for ``vigie ingest`` / ``vigie up`` polling the farm (once it serves)."""
        if not self.ports:
            raise RuntimeError("the farm's ports are known once it serves: start it first")
        lines = ["feeds:"]
        for feed in self.feeds if feeds is None else feeds:
            lines.append(
                f"  - {{name: {feed.name}, url: '{feed.url}', lang: {feed.lang}, "
                f"interval: {interval_s:g}}}"
            )
        return "\n".join(lines) + "\n"

    def write_feeds_file(self, path: Path, interval_s: float) -> Path:
        """Write ``feeds_yaml`` to ``path``; return it."""
        path.write_text(self.feeds_yaml(interval_s), encoding="utf-8")
        return path

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one poll as the feed's behaviour says."""
        feed = self._by_path.get(request.path)
        if feed is None:
            return self._answer(web.Response(status=404))
        self.stats.in_flight += 1
        self.stats.peak_in_flight = max(self.stats.peak_in_flight, self.stats.in_flight)
        try:
            if feed.behaviour == SLOW:
                await asyncio.sleep(self.slow_s)
            elif feed.behaviour == FAILING:
                return self._answer(web.Response(status=500, text="upstream broke"))
            elif feed.behaviour == THROTTLED:
                return self._answer(
                    web.Response(status=429, headers={"Retry-After": str(RETRY_AFTER_S)})
                )
            return self._answer(self._conditional(feed, request))
        finally:
            self.stats.in_flight -= 1

    def _conditional(self, feed: FarmFeed, request: web.Request) -> web.Response:
        headers = {"ETag": feed.etag, "Last-Modified": feed.last_modified}
        if self.max_age_s is not None:
            headers["Cache-Control"] = f"max-age={self.max_age_s}"
        match = request.headers.get("If-None-Match")
        since = request.headers.get("If-Modified-Since")
        # RFC 9110: If-None-Match wins; If-Modified-Since only counts without it.
        if match is not None:
            if feed.etag in (tag.strip() for tag in match.split(",")):
                return web.Response(status=304, headers=headers)
        elif since and _not_after(feed.last_modified, since):
            return web.Response(status=304, headers=headers)
        if not feed.body:
            feed.body = feed.render()
        headers["Content-Type"] = (
            "application/atom+xml; charset=utf-8"
            if feed.format == "atom"
            else "application/rss+xml; charset=utf-8"
        )
        return web.Response(body=feed.body, headers=headers)

    def _answer(self, response: web.Response) -> web.Response:
        self.stats.answers[response.status] += 1
        return response

    # --- the WebSub hub -------------------------------------------------------------------

    async def handle_hub(self, request: web.Request) -> web.Response:
        """Take a (un)subscription request; its callback is verified right after the 202."""
        form = await request.post()
        mode = str(form.get("hub.mode", ""))
        topic = str(form.get("hub.topic", ""))
        callback = str(form.get("hub.callback", ""))
        self.hub_stats.requests[mode] += 1
        if mode not in ("subscribe", "unsubscribe") or not callback:
            return web.Response(status=400, text="hub.mode and hub.callback are required")
        feed = self._by_path.get(urlsplit(topic).path)
        if feed is None or feed.url != topic:
            return web.Response(status=404, text=f"no such topic {topic}")
        try:
            asked = float(str(form.get("hub.lease_seconds") or 86400))
        except ValueError:
            asked = 86400.0
        lease = min(asked, self.hub_lease_s) if self.hub_lease_s else asked
        task = asyncio.create_task(
            self._verify(mode, topic, callback, str(form.get("hub.secret", "")), lease)
        )
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)
        return web.Response(status=202)

    async def _verify(
        self, mode: str, topic: str, callback: str, secret: str, lease: float
    ) -> None:
        assert self._session is not None
        challenge = secrets.token_urlsafe(16)
        params = {
            "hub.mode": mode,
            "hub.topic": topic,
            "hub.challenge": challenge,
            "hub.lease_seconds": f"{lease:g}",
        }
        try:
            async with self._session.get(callback, params=params) as response:
                confirmed = response.status < 300 and (await response.text()) == challenge
        except aiohttp.ClientError as exc:
            log.warning("hub: cannot verify %s: %s", callback, exc)
            confirmed = False
        if not confirmed:
            self.hub_stats.unverified += 1
            return
        self.hub_stats.verified += 1
        subscribers = self.subscribers.setdefault(topic, {})
        if mode == "subscribe":
            subscribers[callback] = HubSubscriber(callback, secret, lease, time.time())
        else:
            subscribers.pop(callback, None)

    def _start_push(self, feed: FarmFeed) -> None:
        task = asyncio.create_task(self._push(feed))
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    async def _push(self, feed: FarmFeed) -> None:
        """Send the feed's current document to each subscriber of it, signed."""
        assert self._session is not None
        body = feed.render()
        content_type = "application/atom+xml" if feed.format == "atom" else "application/rss+xml"
        for subscriber in list(self.subscribers.get(feed.url, {}).values()):
            signature = hmac.new(subscriber.secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": content_type,
                "Link": f'<{feed.hub_url}>; rel="hub", <{feed.url}>; rel="self"',
                "X-Hub-Signature-256": f"sha256={signature}",
            }
            try:
                async with self._session.post(
                    subscriber.callback, data=body, headers=headers
                ) as response:
                    self.hub_stats.pushes[response.status] += 1
            except aiohttp.ClientError as exc:
                log.warning("hub: push to %s failed: %s", subscriber.callback, exc)
                self.hub_stats.pushes[0] += 1

    async def _publish_forever(self) -> None:
        healthy = [feed.index for feed in self.healthy]
        if self.rate <= 0 or not healthy:
            return
        while True:
            await asyncio.sleep(self.rng.expovariate(self.rate))
            self.publish(self.rng.choice(healthy))

    async def start_async(self) -> FeedFarm:
        """Serve on the running event loop."""
        app = web.Application()
        app.router.add_get("/feeds/{name}", self.handle)
        if self.hub:
            app.router.add_post("/hub", self.handle_hub)
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        for _ in range(self.hosts):
            # Port 0: the system picks a free one, no race with other processes.
            site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
            await site.start()
            server: Any = site._server
            self.ports.append(server.sockets[0].getsockname()[1])
        hub_url = f"http://127.0.0.1:{self.ports[0]}/hub" if self.hub else ""
        for feed in self.feeds:
            feed.port = self.ports[feed.host]
            feed.hub_url = hub_url
            feed.body = b""
        self._serving = asyncio.get_running_loop()
        self._publisher = asyncio.create_task(self._publish_forever())
        return self

    async def stop_async(self) -> None:
        """Stop serving."""
        self._serving = None
        if self._publisher is not None:
            self._publisher.cancel()
        for task in list(self._pushes):
            task.cancel()
        await asyncio.gather(*self._pushes, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def start(self) -> FeedFarm:
        """Serve from a background thread with its own event loop."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="feed-farm", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.start_async(), loop).result(30)
        return self

    def stop(self) -> None:
        """Stop the background thread's server."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop_async(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop = None


def _not_after(last_modified: str, since: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--rate", type=float, default=1.0, help="new items per second, in all")
    parser.add_argument("--interval", type=float, default=60.0, help="poll interval written")
    parser.add_argument("--feeds-file", type=Path, default=Path("farm-feeds.yaml"))
    parser.add_argument("--hub", action="store_true", help="be a WebSub hub for every feed")
    args = parser.parse_args()
    farm = FeedFarm(
        args.feeds,
        hosts=args.hosts,
        rate=args.rate,
        slow_share=0.01,
        failing_share=0.01,
        throttled_share=0.01,
        hub=args.hub,
    )

    async def serve() -> None:
        await farm.start_async()
        farm.write_feeds_file(args.feeds_file, args.interval)
        print(f"{args.feeds} feeds on ports {farm.ports}; feeds file {args.feeds_file}")
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
