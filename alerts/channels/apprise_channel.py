"""``apprise+<scheme>://…`` or ``apprise://<apprise url>``: the long tail (Telegram, Matrix, ntfy …).

Apprise reports only success or failure, so every failure is treated as retryable; a URL
Apprise does not understand is permanent. Apprise opens its own sockets in threads, so the
egress guard watches them (``guarded_sockets``): a connection to a refused address fails and
the delivery ends as ``UnsafeTargetError``. The host written in the URL is checked first.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from alerts.channels import apprise_target
from alerts.channels.base import Channel, ChannelContext, Message, Target
from alerts.errors import PermanentDeliveryError, RetryableDeliveryError
from alerts.guard import unsafe_target
from ingest.egress import PUBLIC_ONLY, EgressPolicy, EgressRefused
from ingest.egress_net import guarded_sockets


class AppriseChannel(Channel):
    """Hands the plain-text message to Apprise."""

    kind: ClassVar[str] = "apprise"
    plus_schemes: ClassVar[bool] = True

    def __init__(self, timeout_s: float = 10.0, *, egress: EgressPolicy = PUBLIC_ONLY) -> None:
        self.timeout_s = timeout_s
        self.egress = egress

    @classmethod
    def build(cls, context: ChannelContext) -> Channel:
        """Apprise opens its own connections, watched by the egress policy."""
        return cls(timeout_s=context.timeout_s, egress=context.egress)

    @classmethod
    def check_url(cls, url: str) -> str | None:
        """A target after the scheme."""
        if not apprise_target(url).partition("://")[2]:
            return "apprise channel needs a target: apprise+tgram://bot-token/chat-id"
        return None

    @classmethod
    def target(cls, url: str) -> Target | None:
        """The host as written; for many services it is a token, not a network name."""
        parts = urlsplit(apprise_target(url))
        try:
            port = parts.port or 0
        except ValueError:
            port = 0
        return (parts.hostname, port, False) if parts.hostname else None

    async def send(self, message: Message) -> None:
        """Notify through a one-URL Apprise object whose sockets obey the egress policy."""
        import apprise

        url = apprise_target(message.subscription.channel)
        host = urlsplit(url).hostname
        try:
            if host:
                self.egress.check_host(host, numeric_forms=False)
        except EgressRefused as refused:
            raise unsafe_target(refused, self.kind) from None
        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise PermanentDeliveryError("Apprise does not understand this URL", channel=self.kind)
        rendered = message.rendered
        with guarded_sockets(self.egress) as guard:
            ok = await notifier.async_notify(body=rendered.text(), title=rendered.title)
        if guard.refused:
            raise unsafe_target(guard.refused[0], self.kind)
        if not ok:
            raise RetryableDeliveryError(
                "Apprise reported a failed notification", channel=self.kind
            )
