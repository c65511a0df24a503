"""``WebSubSubscriber``: asks the hubs feeds name to push them, and listens for the pushes.

When a poll finds a hub (``Fetched.hub``) and ``VIGIE_WEBSUB_CALLBACK_URL`` is set, the poller
offers the feed here. We POST a subscription to the hub (``hub.mode=subscribe``, the topic, a
callback URL of our own per subscription, a fresh ``hub.secret`` and the lease we want), through
the egress guard like every fetch. The hub checks our intent with a GET on the callback: we echo
``hub.challenge`` only for the topic of that very callback. Then it POSTs each new version of
the feed there: the body must carry the HMAC of the secret (``X-Hub-Signature-256`` or
``X-Hub-Signature``), is capped like a fetched body, read by the RSS/Atom source's own parser
and published by the poller's own path, through the seen-set: an item both pushed and polled
is published once. A subscription is renewed once ``RENEW_AT_SHARE`` of its lease has gone by;
a subscribed feed is still polled, at the longer ``poll_interval_s``, in case a push is lost.

A refused request is logged and counted (``vigie_websub_refused_total``), never raised: a bad
signature is acknowledged with a 202 all the same, as WebSub advises, so that a forger learns
nothing from the answer. Subscriptions live in this process: after a restart, the next poll of
each feed subscribes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from aiohttp import web

from ingest import metrics
from ingest.egress import PUBLIC_ONLY, EgressPolicy, EgressRefused
from ingest.egress_net import GuardedTransport, Resolver, system_resolver
from ingest.feeds import FeedSpec
from ingest.items import WireItem
from ingest.sources.base import FeedError, FetchLimits
from ingest.sources.rss import parse_feed
from ingest.websub import HubLinks, renew_delay, signature_status

log = logging.getLogger(__name__)

PENDING, ACTIVE, FAILED = "pending", "active", "failed"
#: Publishes a pushed feed's items (``FeedPoller.publish_items``); answers how many were new.
Deliver = Callable[[FeedSpec, list[WireItem]], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class WebSubOptions:
    """How ingest subscribes: where hubs call back, the lease asked for, the safety-net polls."""

    #: Public base URL of the callback listener; each subscription gets ``<url>/<token>``.
    callback_url: str
    lease_s: int = 86400
    #: Interval of the polls that go on for a feed a hub pushes (never shorter than its own).
    poll_interval_s: float = 3600.0
    #: After a failed or denied subscription, or one the hub never verified: ask again then.
    retry_s: float = 900.0
    request_timeout_s: float = 10.0
    #: How often leases and unanswered requests are looked at.
    check_every_s: float = 1.0


@dataclass
class WebSubSubscription:
    """One feed's subscription at one hub, under a callback token and secret of its own."""

    feed: FeedSpec
    hub: str
    topic: str
    token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    state: str = PENDING
    requested_at: float = 0.0
    expires_at: float = 0.0
    renew_at: float = 0.0
    retry_at: float = 0.0
    busy: bool = False


class WebSubSubscriber:
    """Subscribes feeds at their hubs and serves the callback the hubs verify and push to."""

    def __init__(
        self,
        options: WebSubOptions,
        *,
        limits: FetchLimits | None = None,
        egress: EgressPolicy = PUBLIC_ONLY,
        resolver: Resolver = system_resolver,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.options = options
        self.limits = limits or FetchLimits()
        self.egress = egress
        self.resolver = resolver
        self._http = http
        #: Set by the poller: where pushed items go.
        self.deliver: Deliver | None = None
        self.by_token: dict[str, WebSubSubscription] = {}
        self.by_feed: dict[str, WebSubSubscription] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # --- subscribing --------------------------------------------------------------------

    def callback_for(self, subscription: WebSubSubscription) -> str:
        """The callback URL a hub calls for ``subscription``."""
        return f"{self.options.callback_url.rstrip('/')}/{subscription.token}"

    def interval_for(self, feed: FeedSpec) -> float:
        """The poll interval of ``feed``: the longer safety-net one while a hub pushes it."""
        subscription = self.by_feed.get(feed.name)
        if subscription is not None and subscription.state == ACTIVE:
            return max(feed.interval_s, self.options.poll_interval_s)
        return feed.interval_s

    def offer(self, feed: FeedSpec, links: HubLinks | None) -> None:
        """A poll of ``feed`` found ``links`` (or none): subscribe when there is something to do."""
        if links is None:
            return
        subscription = self.by_feed.get(feed.name)
        if (
            subscription is None
            or subscription.hub != links.hub
            or subscription.topic != links.topic
        ):
            if subscription is not None:
                self.by_token.pop(subscription.token, None)
                log.info("feed %s: its hub or topic changed; subscribing again", feed.name)
            subscription = WebSubSubscription(feed=feed, hub=links.hub, topic=links.topic)
            self.by_feed[feed.name] = subscription
            self.by_token[subscription.token] = subscription
        else:
            subscription.feed = feed
            if subscription.state != FAILED or time.time() < subscription.retry_at:
                return
        self._spawn(subscription)

    def _spawn(self, subscription: WebSubSubscription) -> None:
        if subscription.busy:
            return
        subscription.busy = True
        task = asyncio.create_task(self._subscribe(subscription))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(self.options.request_timeout_s),
                follow_redirects=False,
                headers={"User-Agent": self.limits.user_agent},
                transport=GuardedTransport(self.egress, resolver=self.resolver),
            )
        return self._http

    async def _subscribe(self, subscription: WebSubSubscription) -> None:
        """POST the subscription request; the hub's verification GET makes it active."""
        renewal = subscription.state == ACTIVE
        subscription.requested_at = time.time()
        if not renewal:
            subscription.state = PENDING
        form = {
            "hub.mode": "subscribe",
            "hub.topic": subscription.topic,
            "hub.callback": self.callback_for(subscription),
            "hub.secret": subscription.secret,
            "hub.lease_seconds": str(self.options.lease_s),
        }
        problem = ""
        try:
            response = await self._client().post(subscription.hub, data=form)
            if not 200 <= response.status_code < 300:
                problem = f"HTTP {response.status_code}"
        except EgressRefused as exc:
            problem = str(exc)
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a hub's oddity must never end ingest
            problem = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            subscription.busy = False
        if problem:
            metrics.WEBSUB_SUBSCRIPTIONS.labels("failed").inc()
            log.warning(
                "feed %s: the hub %s refused or missed the subscription (%s); polling it as "
                "before, asking again in %.0fs",
                subscription.feed.name,
                subscription.hub,
                problem,
                self.options.retry_s,
            )
            if not renewal:
                self._fail(subscription)
            return
        metrics.WEBSUB_SUBSCRIPTIONS.labels("renewal_requested" if renewal else "requested").inc()
        log.info("feed %s: asked the hub %s to push it", subscription.feed.name, subscription.hub)

    def _fail(self, subscription: WebSubSubscription, now: float | None = None) -> None:
        subscription.state = FAILED
        subscription.retry_at = (now or time.time()) + self.options.retry_s
        self._count_active()

    def _count_active(self) -> None:
        metrics.WEBSUB_ACTIVE.set(sum(s.state == ACTIVE for s in self.by_token.values()))

    def check_leases(self, now: float) -> None:
        """Renew leases coming to their end; give up on requests the hub never verified."""
        for subscription in list(self.by_token.values()):
            if subscription.busy:
                continue
            if subscription.state == ACTIVE and now >= subscription.expires_at:
                log.warning("feed %s: its WebSub lease ran out", subscription.feed.name)
                self._fail(subscription, now)
            elif subscription.state == ACTIVE and now >= subscription.renew_at:
                # Not again before the hub answered or the retry delay went by.
                subscription.renew_at = now + self.options.retry_s
                self._spawn(subscription)
            elif (
                subscription.state == PENDING
                and now >= subscription.requested_at + self.options.retry_s
            ):
                log.warning(
                    "feed %s: the hub %s never verified the subscription",
                    subscription.feed.name,
                    subscription.hub,
                )
                self._fail(subscription, now)

    async def _check_forever(self) -> None:
        while True:
            await asyncio.sleep(self.options.check_every_s)
            self.check_leases(time.time())

    # --- the callback listener ----------------------------------------------------------

    def _refuse(self, request: str, reason: str, status: int, detail: str) -> web.Response:
        metrics.WEBSUB_REFUSED.labels(request, reason).inc()
        log.warning("WebSub %s refused (%s): %s", request, reason, detail)
        return web.Response(status=status)

    async def verify(self, request: web.Request) -> web.Response:
        """A hub checks our intent: echo the challenge only for a topic this callback asked."""
        subscription = self.by_token.get(request.match_info["token"])
        query = request.query
        mode, topic = query.get("hub.mode", ""), query.get("hub.topic", "")
        if subscription is None or topic != subscription.topic:
            return self._refuse(
                "verification", "unknown_topic", 404, f"{mode} of {topic!r} was never asked for"
            )
        if mode == "denied":
            metrics.WEBSUB_SUBSCRIPTIONS.labels("denied").inc()
            log.warning(
                "feed %s: the hub denied the subscription (%s)",
                subscription.feed.name,
                query.get("hub.reason", "no reason given"),
            )
            self._fail(subscription)
            return web.Response(status=200)
        challenge = query.get("hub.challenge", "")
        if mode != "subscribe" or not challenge:
            return self._refuse(
                "verification", "not_requested", 404, f"{mode!r} for {topic!r} was never asked for"
            )
        try:
            lease = float(query.get("hub.lease_seconds") or self.options.lease_s)
        except ValueError:
            lease = float(self.options.lease_s)
        now = time.time()
        renewal = subscription.state == ACTIVE
        subscription.state = ACTIVE
        subscription.expires_at = now + lease
        subscription.renew_at = now + renew_delay(lease)
        self._count_active()
        metrics.WEBSUB_SUBSCRIPTIONS.labels("renewed" if renewal else "verified").inc()
        log.info(
            "feed %s: the hub %s pushes it for %.0fs",
            subscription.feed.name,
            subscription.hub,
            lease,
        )
        return web.Response(text=challenge, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        """A hub pushes a new version of a feed: check, read and publish it."""
        subscription = self.by_token.get(request.match_info["token"])
        if subscription is None:
            # 410: WebSub's way to tell the hub this subscription is gone.
            return self._refuse("push", "unknown_subscription", 410, request.path)
        feed = subscription.feed
        cap = self.limits.max_body_bytes
        if (request.content_length or 0) > cap:
            return self._refuse("push", "too_large", 413, f"{feed.name}: over {cap} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > cap:
                return self._refuse("push", "too_large", 413, f"{feed.name}: over {cap} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        verdict = signature_status(subscription.secret, body, request.headers)
        if verdict != "ok":
            return self._refuse("push", verdict, 202, f"{feed.name}: body ignored")
        try:
            parsed = parse_feed(feed, body, request.headers.get("Content-Type", ""))
        except FeedError as exc:
            return self._refuse("push", exc.reason, 202, f"{feed.name}: {exc}")
        metrics.WEBSUB_PUSHES.labels(feed.name).inc()
        if self.deliver is None:
            return web.Response(status=503)
        try:
            produced = await self.deliver(feed, parsed.items)
        except Exception:  # the hub retries a failed push: nothing is lost
            log.exception("feed %s: cannot publish a pushed body; the hub will retry", feed.name)
            return web.Response(status=503)
        if produced:
            metrics.WEBSUB_ITEMS.labels(feed.name).inc(produced)
            log.info("feed %s: %d new item(s) pushed", feed.name, produced)
        return web.Response(status=204)

    def app(self) -> web.Application:
        """The callback application: ``GET`` and ``POST`` on ``.../<token>``."""
        app = web.Application()
        app.router.add_get("/{prefix:.*}/{token}", self.verify)
        app.router.add_post("/{prefix:.*}/{token}", self.receive)
        app.router.add_get("/{token}", self.verify)
        app.router.add_post("/{token}", self.receive)
        return app

    @contextlib.asynccontextmanager
    async def serve(self, host: str, port: int) -> AsyncIterator[int]:
        """Listen on ``host:port`` (0: any free port) and renew leases; yield the bound port."""
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        bound = int(sockets[0].getsockname()[1]) if sockets else port
        log.info("WebSub callback listens on %s:%s for %s", host, bound, self.options.callback_url)
        checker = asyncio.create_task(self._check_forever())
        try:
            yield bound
        finally:
            checker.cancel()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(checker, *self._tasks, return_exceptions=True)
            await runner.cleanup()
            if self._http is not None:
                await self._http.aclose()
