"""A test send: a sample alert rendered and sent through a subscription's real channel, once.

No retry, no idempotency key, no dead letter: the answer (accepted, or the channel's error) is
returned to whoever asked, so they can fix the channel before a real alert needs it.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from alerts.channels.base import Message
from alerts.channels.registry import ChannelRegistry
from alerts.errors import DeliveryError
from alerts.subscriptions import Subscription
from streams.events import Alert, AlertSource, Casualties, DetectedEvent, Place


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
    """A sample alert that says it is a test (a capture of Palmyra reported in both languages)."""
    now = now or datetime.now(UTC)
    event = DetectedEvent(
        id="event-vigie-test",
        kind="city_capture",
        item_id="item-vigie-test",
        lang="en",
        evidence="TEST: government forces recaptured Palmyra, according to a test wire.",
        place=Place(
            name="Palmyra",
            geoname_id=170_016,
            canonical="Tadmur",
            country="SY",
            lat=34.56,
            lon=38.28,
        ),
        casualties=Casualties(killed=0),
        detected_at=now,
    )
    sources = (
        AlertSource("item-vigie-test-fr", "vigie-test", "fr", seen_at=now),
        AlertSource("item-vigie-test-en", "vigie-test", "en", seen_at=now),
    )
    return Alert(
        id="vigie-test",
        revision=0,
        event=event,
        sources=sources,
        first_seen=now,
        headline={
            "en": "TEST from Vigie: Palmyra recaptured (sample alert)",
            "fr": "TEST de Vigie : Palmyre reprise (alerte d'exemple)",
        },
        updated_at=now,
        reason="test",
    )


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
