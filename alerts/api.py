"""The HTTP API: subscriptions, dead letters and the history of alerts, mounted under ``/api/v1``.

Every route needs ``Authorization: Bearer <VIGIE_API_TOKEN>``; without a configured token the
API answers 503 rather than run open. OpenAPI is served at ``/openapi.json`` and ``/docs``
of the mounted app, behind the same token. A subscription whose channel reaches an address the
egress policy refuses (loopback, private, metadata …) is refused with 422 naming the rule, and
so is a feed (``/feeds``) whose URL does.

``/alerts`` searches the history (``alerts.history``) a page at a time, with a cursor; with
``?format=csv|jsonl|geojson`` (or the matching ``Accept``) it exports every match instead,
or one page when ``limit`` is given. ``/alerts/{id}`` is one alert with its revisions.
"""

from __future__ import annotations

import asyncio
import hmac
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis

from alerts.dead import RedisDeadLetterStore
from alerts.errors import UnsafeTargetError
from alerts.guard import check_channel_target
from alerts.silence_store import RedisSilenceStore
from alerts.silences import SilenceInvalid, SilenceSpec, build_silence
from alerts.subscription_store import RedisSubscriptionStore
from alerts.subscriptions import (
    Language,
    Subscription,
    SubscriptionInvalid,
    SubscriptionSpec,
    build_subscription,
    edit_subscription,
)
from alerts.templating import (
    MessageTemplate,
    packaged_sources,
    render_with_template,
    sample_alert,
)
from ingest.egress import PUBLIC_ONLY, EgressPolicy
from ingest.egress_net import Resolver, system_resolver
from ingest.feed_store import FeedStore, StoredFeed
from ingest.feeds import DEFAULT_INTERVAL_S, FeedFieldError, build_feed
from kernel.clock import format_time
from streams.events import KINDS, STATUSES

if TYPE_CHECKING:
    from alerts.history.store import HistoryStore

#: Filters of ``GET /alerts``, as query parameters.
HISTORY_FILTERS = (
    "since",
    "until",
    "kind",
    "status",
    "country",
    "place",
    "q",
    "min_killed",
    "limit",
    "cursor",
)
#: Rows per page read while exporting every match.
EXPORT_PAGE = 1000

#: The bearer credentials of a request, ``None`` when absent (checked by ``create_api``).
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))]


class TemplateOut(BaseModel):
    """A subscription's message template as stored (checked when it was written)."""

    title: str | None
    body: str | None


class SubscriptionOut(BaseModel):
    """A subscription as the API shows it: the secret replaced by ``***``."""

    id: str
    name: str | None
    channel: str
    kinds: list[str]
    countries: list[str]
    cities: list[str]
    languages: list[str]
    min_killed: int | None
    min_sources: int
    statuses: list[str]
    lang: str
    include_backfill: bool = False
    secret: str | None
    paused: bool
    template: TemplateOut | None = None
    created_at: str


class PreviewRequest(BaseModel):
    """A template to try on the sample alert, in a message language."""

    model_config = ConfigDict(extra="forbid")

    template: MessageTemplate
    lang: Language = "en"


class Preview(BaseModel):
    """What a subscription with this template would say about the sample alert."""

    title: str
    text: str


class DefaultTemplates(BaseModel):
    """The packaged templates of the default message, by file name (``default/body.j2``)."""

    templates: dict[str, str]


class Problem(BaseModel):
    """An error: what went wrong and, for a bad body, every problem as ``field: message``."""

    detail: str
    errors: list[str] = []


def _out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut.model_validate(subscription.public_dict())


def _invalid(what: str, problems: list[str]) -> JSONResponse:
    """The 422 answer: every problem as ``field: message``, for the page to show by its field."""
    return JSONResponse(
        status_code=422,
        content={"detail": f"invalid {what}: " + "; ".join(problems), "errors": problems},
    )


async def with_current_sources(redis: Redis, alerts: list[dict[str, Any]]) -> None:
    """Add the sources that joined each event after its last revision (``revision``: null).

    A report that only confirms an event adds a source without a new alert, so the history
    (written from ``vigie.alerts``) does not have it; the dedup store does while the event is
    kept. Without Redis the history's sources stand alone.
    """
    from streams.dedup import DedupPolicy
    from streams.store import RedisDedupStore

    try:
        store = RedisDedupStore(redis, DedupPolicy())
        states = await asyncio.gather(
            *(store.event_state(alert["id"]) for alert in alerts), return_exceptions=True
        )
    except Exception:  # no usable Redis client: the history's sources are all there is
        return
    for alert, state in zip(alerts, states, strict=True):
        if state is None or isinstance(state, BaseException):
            continue
        sources = alert.setdefault("sources", [])
        known = {source["item_id"] for source in sources}
        sources += [
            {
                "feed": source.source,
                "item_id": source.item_id,
                "url": source.url,
                "lang": source.lang,
                "title": source.title,
                "published_at": format_time(source.seen_at),
                "revision": None,
            }
            for source in state.sources
            if source.item_id not in known
        ]


async def with_silences(redis: Any, alerts: list[dict[str, Any]]) -> None:
    """Name the silence that stopped each alert, and each of its revisions (``silenced_by``).

    The alert worker records a silenced revision in Redis for 30 days
    (``alerts.silence_store``); the history itself does not keep it yet. Without Redis: none.
    """
    from alerts.silence_store import silenced_key

    keys = [
        silenced_key(alert["id"], revision["revision"])
        for alert in alerts
        for revision in [alert, *alert.get("revisions", [])]
    ]
    if not keys:
        return
    try:
        found = iter(await redis.mget(keys))
    except Exception:  # no usable Redis client: nothing is known silenced
        return
    for alert in alerts:
        for revision in [alert, *alert.get("revisions", [])]:
            value = next(found)
            revision["silenced_by"] = value.decode() if isinstance(value, bytes) else value


def create_api(
    redis_url: str,
    token: str | None,
    *,
    redis: Redis | None = None,
    egress: EgressPolicy = PUBLIC_ONLY,
    resolver: Resolver = system_resolver,
    history: HistoryStore | None = None,
    feed_interval_s: float = DEFAULT_INTERVAL_S,
) -> FastAPI:
    """The API app (mount it under ``/api/v1``); ``redis`` may be an existing asyncio client.

    Without a ``history`` store the ``/alerts`` routes answer 503.
    """
    if redis is None:
        import redis.asyncio as aioredis

        redis = aioredis.Redis.from_url(redis_url)
    subscriptions = RedisSubscriptionStore(redis)
    dead_letters = RedisDeadLetterStore(redis)
    silences = RedisSilenceStore(redis)

    async def authorised(
        credentials: Credentials,
    ) -> None:
        if not token:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, "the API is off: set VIGIE_API_TOKEN"
            )
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing or wrong bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    errors = {401: {"model": Problem}, 503: {"model": Problem}}
    app = FastAPI(
        title="Vigie API",
        version="1",
        description="Manage alert subscriptions and silences, inspect dead letters, search the "
        "history.",
        dependencies=[Depends(authorised)],
        responses=errors,  # type: ignore[arg-type]
        # FastAPI's own docs routes skip the app's dependencies: served below, behind the token.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_schema() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        # The schema is inlined: the browser would not send the bearer token for a second fetch.
        return get_swagger_ui_html(
            openapi_url="openapi.json",
            title="Vigie API",
            swagger_ui_parameters={"spec": app.openapi()},
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for item in exc.errors():
            # The first part says the error is in the request body; a field may be named body too.
            location = list(item.get("loc", ()))
            where = ".".join(str(part) for part in location[location[:1] == ["body"] :])
            message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
            problems.append(f"{where or 'body'}: {message}")
        path = request.url.path
        what = "silence" if "/silences" in path else "feed" if "/feeds" in path else "subscription"
        return _invalid(what, problems)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"detail": exc.detail}, headers=exc.headers
        )

    @app.post(
        "/subscriptions",
        status_code=201,
        response_model=SubscriptionOut,
        responses={422: {"model": Problem}},
        summary="Create a subscription",
    )
    async def create_subscription(spec: SubscriptionSpec) -> SubscriptionOut | JSONResponse:
        subscription = build_subscription(spec.model_dump())
        refused = await refused_channel(subscription.channel)
        if refused is not None:
            return refused
        await subscriptions.put(subscription)
        return _out(subscription)

    @app.post(
        "/subscriptions/preview",
        response_model=Preview,
        responses={422: {"model": Problem}},
        summary="Render the sample alert with a template, without sending anything",
    )
    async def preview(request: PreviewRequest) -> Preview:
        rendered = render_with_template((sample_alert(),), request.lang, request.template)
        return Preview(title=rendered.title, text=rendered.text())

    @app.get(
        "/subscriptions/templates/default",
        response_model=DefaultTemplates,
        summary="The default message's templates, to start a subscription's template from",
    )
    async def default_templates(channel: str | None = None) -> DefaultTemplates:
        return DefaultTemplates(templates=packaged_sources(channel))

    async def refused_channel(channel: str) -> JSONResponse | None:
        """The 422 for a channel the egress policy refuses, or ``None`` when it may be used."""
        try:
            await check_channel_target(channel, egress, resolver=resolver)
        except UnsafeTargetError as exc:
            return _invalid("subscription", [f"channel: refused target: {exc.reason}"])
        return None

    async def existing(subscription_id: str) -> Subscription:
        subscription = await subscriptions.get(subscription_id)
        if subscription is None:
            raise HTTPException(404, f"no subscription with id {subscription_id!r}")
        return subscription

    @app.get("/subscriptions", response_model=list[SubscriptionOut], summary="List subscriptions")
    async def list_subscriptions() -> list[SubscriptionOut]:
        return [_out(subscription) for subscription in await subscriptions.all()]

    @app.get(
        "/subscriptions/{subscription_id}",
        response_model=SubscriptionOut,
        responses={404: {"model": Problem}},
        summary="Get a subscription",
    )
    async def get_subscription(subscription_id: str) -> SubscriptionOut:
        return _out(await existing(subscription_id))

    @app.patch(
        "/subscriptions/{subscription_id}",
        response_model=SubscriptionOut,
        responses={404: {"model": Problem}, 422: {"model": Problem}},
        summary="Change some fields of a subscription (``paused`` pauses or resumes it)",
    )
    async def edit(
        subscription_id: str, changes: Annotated[dict[str, Any], Body()]
    ) -> SubscriptionOut | JSONResponse:
        current = await existing(subscription_id)
        try:
            edited = edit_subscription(current, changes)
        except SubscriptionInvalid as exc:
            return _invalid("subscription", exc.problems)
        if edited.channel != current.channel:
            refused = await refused_channel(edited.channel)
            if refused is not None:
                return refused
        await subscriptions.put(edited)
        return _out(edited)

    @app.post(
        "/subscriptions/{subscription_id}/test",
        responses={404: {"model": Problem}},
        summary="Send a sample alert through the subscription's channel and return the answer",
    )
    async def test_send(subscription_id: str) -> dict[str, Any]:
        from alerts.channels.registry import ChannelRegistry
        from alerts.trial import send_trial

        subscription = await existing(subscription_id)
        channels = ChannelRegistry(egress=egress, resolver=resolver)
        try:
            return (await send_trial(subscription, channels)).to_dict()
        finally:
            await channels.aclose()

    @app.delete(
        "/subscriptions/{subscription_id}",
        status_code=204,
        responses={404: {"model": Problem}},
        summary="Delete a subscription",
    )
    async def delete_subscription(subscription_id: str) -> Response:
        if not await subscriptions.remove(subscription_id):
            raise HTTPException(404, f"no subscription with id {subscription_id!r}")
        return Response(status_code=204)

    feeds = FeedStore(redis, feed_interval_s)

    async def feed_out(feed: StoredFeed) -> dict[str, Any]:
        from kernel.stats import feed_key

        health = await redis.hgetall(feed_key(feed.spec.name))
        return {
            **feed.to_dict(),
            "health": {
                (key.decode() if isinstance(key, bytes) else key): (
                    value.decode() if isinstance(value, bytes) else value
                )
                for key, value in health.items()
            },
        }

    @app.get("/feeds", summary="List the feeds polled, each with its health")
    async def list_feeds() -> list[dict[str, Any]]:
        return [await feed_out(feed) for feed in await feeds.all()]

    @app.post(
        "/feeds",
        status_code=201,
        responses={422: {"model": Problem}},
        summary="Add a feed; the poller polls it within one poll interval",
    )
    async def add_feed(data: Annotated[dict[str, Any], Body()]) -> Any:
        from ingest.egress_net import refused_urls

        fields = {key: value for key, value in data.items() if key != "paused"}
        try:
            spec = build_feed(fields, feed_interval_s)
        except FeedFieldError as exc:
            return _invalid("feed", [str(exc) if exc.field else f"body: {exc.reason}"])
        refused = await refused_urls([("url", spec.url)], egress, resolver=resolver)
        if refused:
            reason = refused[0].removeprefix("url: ")
            return _invalid("feed", [f"url: refused target: {reason}"])
        try:
            feed = await feeds.add(data)
        except FeedFieldError as exc:
            return _invalid("feed", [str(exc)])
        return JSONResponse(status_code=201, content=await feed_out(feed))

    async def existing_feed(name: str) -> StoredFeed:
        feed = await feeds.get(name)
        if feed is None:
            raise HTTPException(404, f"no feed named {name!r}")
        return feed

    @app.get("/feeds/{name}", responses={404: {"model": Problem}}, summary="Get a feed")
    async def get_feed(name: str) -> dict[str, Any]:
        return await feed_out(await existing_feed(name))

    @app.patch(
        "/feeds/{name}",
        responses={404: {"model": Problem}, 422: {"model": Problem}},
        summary="Pause or resume a feed (``paused``)",
    )
    async def edit_feed(name: str, changes: Annotated[dict[str, Any], Body()]) -> Any:
        await existing_feed(name)
        other = sorted(set(changes) - {"paused"})
        if other:
            return _invalid("feed", [f"{field}: only 'paused' can be changed" for field in other])
        if not isinstance(changes.get("paused"), bool):
            return _invalid("feed", ["paused: must be true or false"])
        feed = await feeds.set_paused(name, changes["paused"])
        if feed is None:
            raise HTTPException(404, f"no feed named {name!r}")
        return await feed_out(feed)

    @app.delete(
        "/feeds/{name}",
        status_code=204,
        responses={404: {"model": Problem}},
        summary="Remove a feed; a poll of it in flight finishes",
    )
    async def delete_feed(name: str) -> Response:
        if not await feeds.remove(name):
            raise HTTPException(404, f"no feed named {name!r}")
        return Response(status_code=204)

    @app.get("/dead", summary="Newest dead letters")
    async def list_dead(limit: int = 100) -> list[dict[str, Any]]:
        return [letter.summary() for letter in await dead_letters.newest(limit)]

    def kept() -> HistoryStore:
        if history is None:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "the history is not available: is VIGIE_HISTORY_URL reachable?",
            )
        return history

    @app.get(
        "/alerts",
        summary="Search the history of alerts",
        responses={422: {"model": Problem}, 503: {"model": Problem}},
    )
    async def search_alerts(
        request: Request,
        since: str | None = None,
        until: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        country: str | None = None,
        place: str | None = None,
        q: str | None = None,
        min_killed: str | None = None,
        limit: str | None = None,
        cursor: str | None = None,
        format: str | None = None,
    ) -> Any:
        from alerts.history.export import MEDIA_TYPES, format_for, render
        from alerts.history.store import HistoryQuery, HistoryQueryError

        store = kept()
        if kind and kind not in KINDS:
            raise HTTPException(422, f"kind: one of {', '.join(KINDS)}")
        if status and status not in STATUSES:
            raise HTTPException(422, f"status: one of {', '.join(STATUSES)}")
        chosen = format_for(format, request.headers.get("accept"))
        if chosen is None:
            raise HTTPException(422, f"format: one of {', '.join(MEDIA_TYPES)}")
        values = dict(request.query_params)
        filters = {name: values.get(name) for name in HISTORY_FILTERS}
        everything = chosen != "json" and not limit
        if everything:
            filters["limit"] = str(EXPORT_PAGE)
        try:
            query = HistoryQuery.parse(**filters)
        except HistoryQueryError as exc:
            raise HTTPException(422, str(exc)) from None
        if everything:
            return StreamingResponse(
                render(chosen, store.iterate(query)), media_type=MEDIA_TYPES[chosen]
            )
        page = await asyncio.to_thread(store.search, query)
        if chosen == "json":
            await with_current_sources(redis, page.alerts)
            await with_silences(redis, page.alerts)
            return {"alerts": page.alerts, "next_cursor": page.next_cursor}
        headers = {"X-Next-Cursor": page.next_cursor} if page.next_cursor else {}
        return Response(
            "".join(render(chosen, page.alerts)), media_type=MEDIA_TYPES[chosen], headers=headers
        )

    @app.get(
        "/alerts/{alert_id}",
        summary="One alert with its revision timeline, sources and evidence",
        responses={404: {"model": Problem}, 503: {"model": Problem}},
    )
    async def get_alert(alert_id: str) -> dict[str, Any]:
        detail = await asyncio.to_thread(kept().get, alert_id)
        if detail is None:
            raise HTTPException(404, f"no alert with id {alert_id!r} in the history")
        await with_current_sources(redis, [detail])
        await with_silences(redis, [detail])
        return detail

    @app.post(
        "/silences",
        status_code=201,
        response_model=None,
        responses={422: {"model": Problem}},
        summary="Create a silence: matching alerts are not delivered until it ends",
    )
    async def create_silence(spec: SilenceSpec) -> dict[str, Any] | JSONResponse:
        now = datetime.now(UTC)
        try:
            silence = build_silence(spec.model_dump(), now=now)
        except SilenceInvalid as exc:
            return _invalid("silence", exc.problems)
        await silences.put(silence)
        return silence.public_dict(now)

    @app.get("/silences", summary="List silences, newest first, with their state")
    async def list_silences() -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        return [silence.public_dict(now) for silence in await silences.all()]

    @app.delete(
        "/silences/{silence_id}",
        responses={404: {"model": Problem}},
        summary="Expire a silence now (it stays listed as expired)",
    )
    async def expire_silence(silence_id: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        silence = await silences.expire(silence_id, now)
        if silence is None:
            raise HTTPException(404, f"no silence with id {silence_id!r}")
        return silence.public_dict(now)

    return app
