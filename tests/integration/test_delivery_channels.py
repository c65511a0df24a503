"""Every channel against a real local receiver: native formats, languages, escaping, signatures."""

from __future__ import annotations

import asyncio
import email
import json
from collections.abc import AsyncIterator
from email.message import Message as EmailMessage
from typing import Any

import pytest
import redis.asyncio as aioredis
from aiosmtpd.controller import Controller

from alerts.channels.registry import ChannelRegistry
from alerts.channels.webhook import verify
from alerts.delivery import Deliverer, Delivery, Outcome
from alerts.idempotency import IdempotencyStore, delivery_key
from alerts.policy import DeliveryPolicy
from alerts.subscriptions import build_subscription
from alerts.testing import LocalReceiver, sample_alert
from vigie.embedded.ports import free_port

pytestmark = pytest.mark.integration

POLICY = DeliveryPolicy(attempts=2, backoff_s=0.01, backoff_max_s=0.02, timeout_s=3.0)
HOSTILE = "<!channel> @here @everyone [click](http://evil.example) *bold* took Mosul"


@pytest.fixture
async def deliverer(redis_url: str) -> AsyncIterator[Deliverer]:
    client = aioredis.Redis.from_url(redis_url)
    channels = ChannelRegistry(allow_private=True, timeout_s=POLICY.timeout_s)
    yield Deliverer(client, channels, IdempotencyStore(client, "test"), POLICY)
    await channels.aclose()
    await client.aclose()


async def send(deliverer: Deliverer, channel: str, lang: str = "en", **fields: Any) -> Outcome:
    subscription = build_subscription({"channel": channel, "lang": lang, **fields})
    alert = sample_alert("x1", killed=12, headline_en=HOSTILE, headline_fr="Prise de Mossoul @here")
    key = delivery_key(alert.id, alert.revision, subscription.id)
    return await deliverer.deliver(Delivery(subscription, (alert,), (key,)))


def all_text(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


async def test_webhook_is_signed_versioned_and_verifiable(
    deliverer: Deliverer, receiver: LocalReceiver
) -> None:
    assert await send(deliverer, receiver.url("/w"), secret="k3y") is Outcome.DELIVERED
    (request,) = receiver.on("/w")
    body = request.json()
    assert body["schema"] == "vigie.webhook/1" and body["type"] == "alert"
    assert body["alert"]["id"] == "x1" and body["alert"]["schema"] == "vigie.alert/1"
    assert verify("k3y", request.body, request.headers["X-Vigie-Signature"])
    assert not verify("other", request.body, request.headers["X-Vigie-Signature"])
    assert request.headers["X-Vigie-Delivery"] == body["delivery_id"]
    assert request.headers["X-Vigie-Timestamp"] == str(body["timestamp"])


async def test_slack_blocks_escape_mentions_and_links(
    deliverer: Deliverer, receiver: LocalReceiver
) -> None:
    assert await send(deliverer, receiver.url("/s", "slack+http")) is Outcome.DELIVERED
    payload = receiver.on("/s")[0].json()
    assert payload["blocks"][0]["type"] == "header"
    text = all_text(payload)
    assert "<!channel>" not in text and "@here" not in text and "@everyone" not in text
    assert "&lt;!channel&gt;" in text
    assert "<https://news.example.org/x1/0|AFP>" in text
    assert "Casualty" not in text and "12 killed" in text


async def test_discord_embeds_in_french_without_mentions(
    deliverer: Deliverer, receiver: LocalReceiver
) -> None:
    assert await send(deliverer, receiver.url("/d", "discord+http"), lang="fr") is Outcome.DELIVERED
    payload = receiver.on("/d")[0].json()
    assert payload["allowed_mentions"] == {"parse": []}
    embed = payload["embeds"][0]
    assert embed["title"].startswith("Prise de Mossoul")
    assert "@here" not in embed["title"]
    names = [field["name"] for field in embed["fields"]]
    assert "Lieu" in names and "Bilan" in names
    assert any(field["value"] == "12 morts" for field in embed["fields"])


async def test_teams_adaptive_card(deliverer: Deliverer, receiver: LocalReceiver) -> None:
    assert await send(deliverer, receiver.url("/t", "teams+http")) is Outcome.DELIVERED
    payload = receiver.on("/t")[0].json()
    card = payload["attachments"][0]["content"]
    assert payload["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["type"] == "AdaptiveCard"
    text = all_text(card)
    assert "[click](http" not in text and "@everyone" not in text


async def test_mattermost_markdown_is_escaped(
    deliverer: Deliverer, receiver: LocalReceiver
) -> None:
    assert await send(deliverer, receiver.url("/m", "mattermost+http")) is Outcome.DELIVERED
    payload = receiver.on("/m")[0].json()
    text = all_text(payload)
    assert "@here" not in text and "[click](http://evil" not in text
    assert "\\\\[click\\\\]" in text  # JSON-encoded backslash before the bracket
    assert "[AFP](https://news.example.org/x1/0)" in text


async def test_apprise_hands_the_text_to_apprise(
    deliverer: Deliverer, receiver: LocalReceiver
) -> None:
    url = f"apprise+json://127.0.0.1:{receiver.port}/a"
    assert await send(deliverer, url) is Outcome.DELIVERED
    payload = receiver.on("/a")[0].json()
    assert "Mosul" in payload["message"]


class Inbox:
    """An aiosmtpd handler keeping every message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Any:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


async def test_email_has_text_and_html_parts(deliverer: Deliverer, smtp_server: Any) -> None:
    controller, inbox = smtp_server
    url = f"smtp://127.0.0.1:{controller.port}/?from=vigie@example.org&to=a@example.org,b@example.org&starttls=no"
    assert await send(deliverer, url, lang="fr") is Outcome.DELIVERED
    await asyncio.sleep(0)
    (message,) = inbox.messages
    assert inbox.envelopes[0] == ("vigie@example.org", ["a@example.org", "b@example.org"])
    assert message["Subject"].startswith("Prise de Mossoul")
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert set(parts) == {"text/plain", "text/html"}
    assert "12 morts" in parts["text/plain"]
    assert "<script" not in parts["text/html"] and "Lieu" in parts["text/html"]


async def test_email_to_a_closed_port_is_dead_lettered(deliverer: Deliverer) -> None:
    url = f"smtp://127.0.0.1:{free_port()}/?to=a@example.org&starttls=no"
    assert await send(deliverer, url) is Outcome.DEAD
    (letter,) = await deliverer.dead_letters.newest()
    assert letter.channel == "email" and letter.attempts == POLICY.attempts
    assert "SMTP" in letter.reason
