"""``apprise+<scheme>://…`` or ``apprise://<apprise url>``: the long tail (Telegram, Matrix, ntfy …).

Apprise reports only success or failure, so every failure is treated as retryable; a URL
Apprise does not understand is permanent.
"""

from __future__ import annotations

from typing import ClassVar

from alerts.channels import apprise_target
from alerts.channels.base import Channel, Message
from alerts.errors import PermanentDeliveryError, RetryableDeliveryError


class AppriseChannel(Channel):
    """Hands the plain-text message to Apprise."""

    kind: ClassVar[str] = "apprise"

    def __init__(self, timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s

    async def send(self, message: Message) -> None:
        """Notify through a one-URL Apprise object."""
        import apprise

        notifier = apprise.Apprise()
        if not notifier.add(apprise_target(message.subscription.channel)):
            raise PermanentDeliveryError("Apprise does not understand this URL", channel=self.kind)
        rendered = message.rendered
        ok = await notifier.async_notify(body=rendered.text(), title=rendered.title)
        if not ok:
            raise RetryableDeliveryError(
                "Apprise reported a failed notification", channel=self.kind
            )
