"""A test send: a sample alert rendered and sent through a subscription's real channel, once.

No retry, no idempotency key, no dead letter: the answer (accepted, or the channel's error) is
returned to whoever asked, so they can fix the channel before a real alert needs it.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from alerts.channels.base import Message
from alerts.channels.registry import ChannelRegistry
from alerts.errors import DeliveryError
from alerts.subscriptions import Subscription
from alerts.templating import sample_alert
from streams.events import Alert


@dataclass(frozen=True, slots=True)
class TrialResult:
    """What a test send gave: whether the target accepted it, and what was sent."""

    ok: bool
    channel: str
    answer: str
    status: int | None
    text: str
    delivery_id: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def trial_alert(now: datetime | None = None) -> Alert:
    """The sample alert of test sends and template previews (``templating.sample_alert``)."""
    return sample_alert(now)


async def send_trial(subscription: Subscription, channels: ChannelRegistry) -> TrialResult:
    """Send ``trial_alert`` to ``subscription``'s channel (paused or not) and say what it answered."""
    alert = trial_alert()
    delivery_id = "test-" + uuid.uuid4().hex[:12]
    message = Message(subscription, (alert,), delivery_id)
    text = message.rendered.text()
    try:
        channel = channels.channel_for(subscription.channel)
        await channel.send(message)
    except DeliveryError as exc:
        return TrialResult(
            False, exc.channel or subscription.kind, str(exc), exc.status, text, delivery_id
        )
    return TrialResult(True, subscription.kind, "accepted by the target", None, text, delivery_id)
