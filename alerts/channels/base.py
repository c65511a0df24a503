"""What every channel shares: the ``Message`` it sends, the ``Channel`` interface and the HTTP
plumbing (status classification, ``Retry-After``, refused targets) of the HTTP-based channels.

The HTTP client they share connects only to addresses the egress policy allows
(``ingest.egress_net.GuardedTransport``); a refused target becomes ``UnsafeTargetError``."""

from __future__ import annotations

import abc
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, ClassVar, Protocol, TextIO
from urllib.parse import urlsplit

import httpx

from alerts.channels import http_target
from alerts.errors import PermanentDeliveryError, RetryableDeliveryError, UnsafeTargetError
from alerts.metrics import TEMPLATE_FAILURES
from alerts.retry import parse_retry_after
from alerts.templating import MessageTemplate, RenderedMessage, render_with_template
from ingest.egress import PUBLIC_ONLY, EgressPolicy, EgressRefused
from ingest.egress_net import Resolver, system_resolver
from streams.events import Alert

log = logging.getLogger("vigie.alerts.channels")

USER_AGENT = "Vigie-Alerts/1"
#: Statuses worth retrying besides 5xx: request timeout, too early, rate limited.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class Recipient(Protocol):
    """What a channel reads of the subscription it sends to (``alerts.subscriptions.Subscription``)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def channel(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def secret(self) -> str | None: ...
    @property
    def template(self) -> MessageTemplate | None: ...
    @property
    def kind(self) -> str: ...
    def log_name(self) -> str: ...


@dataclass(frozen=True)
class Message:
    """One delivery: the alerts (one, or several for a digest) for one subscription."""

    subscription: Recipient
    alerts: tuple[Alert, ...]
    delivery_id: str
    attempt: int = 1
    sent_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_digest(self) -> bool:
        """Whether this message groups several alerts."""
        return len(self.alerts) > 1

    @cached_property
    def rendered(self) -> RenderedMessage:
        """The message in the subscription's language, from its template when it has one.

        A template that fails at send time is logged and counted; the default text is sent.
        """
        subscription = self.subscription
        rendered = render_with_template(self.alerts, subscription.lang, subscription.template)
        if rendered.template_error:
            TEMPLATE_FAILURES.labels(subscription.kind).inc()
            log.warning(
                "template of subscription %s failed, default text sent instead: %s",
                subscription.log_name(),
                rendered.template_error,
            )
        return rendered


@dataclass(frozen=True)
class ChannelContext:
    """What the registry hands a channel class to build its one instance."""

    http: httpx.AsyncClient
    timeout_s: float = 10.0
    egress: EgressPolicy = PUBLIC_ONLY
    resolver: Resolver = system_resolver
    stdout: TextIO | None = None


#: Where a channel URL connects: host, port, and whether the host is surely a network name.
Target = tuple[str, int, bool]


class Channel(abc.ABC):
    """A way to reach subscribers; ``send`` returns on success or raises a ``DeliveryError``.

    A channel is one module of ``alerts/channels/`` with one ``Channel`` subclass: it declares
    its ``kind`` and the URL ``schemes`` it serves, reads its own URL (``check_url``,
    ``target``) and builds itself (``build``); the registry finds it (``channel_classes``).
    """

    #: Channel kind, the label of its metrics.
    kind: ClassVar[str] = ""
    #: URL schemes it serves (``<scheme>://``); ``{kind}`` when not set.
    schemes: ClassVar[frozenset[str]] = frozenset()
    #: Whether ``<scheme>+<more>://`` selects this channel too (a transport, a wrapped service).
    plus_schemes: ClassVar[bool] = False
    #: Whether several alerts may be grouped into one digest message for this channel.
    supports_digest: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind and not cls.__dict__.get("schemes"):
            cls.schemes = frozenset({cls.kind})

    @classmethod
    def check_url(cls, url: str) -> str | None:
        """Why ``url`` cannot be used with this channel, or ``None`` when it can."""
        return None

    @classmethod
    def target(cls, url: str) -> Target | None:
        """Where ``url`` connects, for the egress check at add time; ``None`` when nowhere."""
        return None

    @classmethod
    @abc.abstractmethod
    def build(cls, context: ChannelContext) -> Channel:
        """The channel instance the registry keeps for every subscription of this kind."""

    @abc.abstractmethod
    async def send(self, message: Message) -> None:
        """Deliver ``message`` or raise ``RetryableDeliveryError`` / ``PermanentDeliveryError``."""

    async def aclose(self) -> None:
        """Release what the channel holds (connections)."""
        return None


class HttpChannel(Channel):
    """A channel that POSTs a JSON body to an HTTP(S) URL taken from the subscription.

    Its URLs are ``<kind>+https://host/path``, ``<kind>+http://…`` or ``<kind>://…`` (https).
    """

    plus_schemes: ClassVar[bool] = True

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    @classmethod
    def build(cls, context: ChannelContext) -> Channel:
        """Every HTTP channel shares the registry's guarded client."""
        return cls(context.http)

    @classmethod
    def check_url(cls, url: str) -> str | None:
        """An http(s) transport and a host."""
        parts = urlsplit(url.strip())
        transport = parts.scheme.partition("+")[2].lower()
        if transport not in ("", "http", "https"):
            return f"{cls.kind} channel transport must be https or http, not {transport!r}"
        if not parts.hostname:
            return f"{cls.kind} channel URL needs a host: {cls.kind}+https://host/path"
        return None

    @classmethod
    def target(cls, url: str) -> Target | None:
        """The host and port of the plain http(s) URL."""
        parts = urlsplit(http_target(url))
        default = 443 if parts.scheme == "https" else 80
        return (parts.hostname, parts.port or default, True) if parts.hostname else None

    @abc.abstractmethod
    def payload(self, message: Message) -> dict[str, Any]:
        """The native JSON body of the target service."""

    def headers(self, message: Message, body: bytes) -> dict[str, str]:
        """Extra headers for one attempt (the webhook signs the body here)."""
        return {}

    async def send(self, message: Message) -> None:
        """POST the payload through the guarded client; classify the answer."""
        url = http_target(message.subscription.channel)
        body = json.dumps(self.payload(message), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            **self.headers(message, body),
        }
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except EgressRefused as refused:
            raise UnsafeTargetError.refused(refused, self.kind) from None
        except httpx.InvalidURL as exc:
            raise PermanentDeliveryError(f"invalid target URL: {exc}", channel=self.kind) from exc
        except httpx.TimeoutException as exc:
            raise RetryableDeliveryError(
                f"timed out ({type(exc).__name__})", channel=self.kind
            ) from exc
        except httpx.TransportError as exc:
            raise RetryableDeliveryError(
                f"cannot reach target: {exc or type(exc).__name__}", channel=self.kind
            ) from exc
        check_response(response, self.kind)


def check_response(response: httpx.Response, channel: str) -> None:
    """Return on 2xx; raise a retryable error on 5xx/408/429, a permanent one on other statuses."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = response.text[:200].strip() or response.reason_phrase
    if status >= 500 or status in RETRYABLE_STATUSES:
        raise RetryableDeliveryError(
            f"target answered {detail!r}",
            channel=channel,
            status=status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    raise PermanentDeliveryError(
        f"target rejected the delivery: {detail!r}", channel=channel, status=status
    )
