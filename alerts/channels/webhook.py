"""``webhook+https://…``: the versioned JSON alert, signed with HMAC-SHA256 (see docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

from alerts.channels.base import HttpChannel, Message
from kernel.clock import format_time

#: Version of the webhook body; bump when a field changes meaning.
WEBHOOK_SCHEMA = "vigie.webhook/1"
SIGNATURE_HEADER = "X-Vigie-Signature"
DELIVERY_HEADER = "X-Vigie-Delivery"
TIMESTAMP_HEADER = "X-Vigie-Timestamp"


def sign(secret: str, body: bytes) -> str:
    """The ``X-Vigie-Signature`` value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is the signature of ``body`` (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, body), signature.strip())


def webhook_body(message: Message) -> dict[str, Any]:
    """The JSON body: schema, delivery id, timestamp, subscription, the alert(s) and their text."""
    subscription = message.subscription
    body: dict[str, Any] = {
        "schema": WEBHOOK_SCHEMA,
        "type": "digest" if message.is_digest else "alert",
        "delivery_id": message.delivery_id,
        "timestamp": int(message.sent_at.timestamp()),
        "sent_at": format_time(message.sent_at),
        "subscription": {"id": subscription.id, "name": subscription.name},
        "lang": message.rendered.lang,
        "title": message.rendered.title,
        "text": message.rendered.text(),
    }
    if message.is_digest:
        body["alerts"] = [alert.to_dict() for alert in message.alerts]
    else:
        body["alert"] = message.alerts[0].to_dict()
    return body


class WebhookChannel(HttpChannel):
    """Generic JSON webhook with ``X-Vigie-Signature``, ``X-Vigie-Delivery``, ``X-Vigie-Timestamp``."""

    kind: ClassVar[str] = "webhook"

    def payload(self, message: Message) -> dict[str, Any]:
        """The versioned webhook body."""
        return webhook_body(message)

    def headers(self, message: Message, body: bytes) -> dict[str, str]:
        """Delivery id and timestamp always; the signature when the subscription has a secret."""
        headers = {
            DELIVERY_HEADER: message.delivery_id,
            TIMESTAMP_HEADER: str(int(message.sent_at.timestamp())),
        }
        if message.subscription.secret:
            headers[SIGNATURE_HEADER] = sign(message.subscription.secret, body)
        return headers
