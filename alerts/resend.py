"""Re-send dead letters on an operator's request (``vigie dead retry``)."""

from __future__ import annotations

from typing import Any, TextIO

from redis.asyncio import Redis

from alerts.channels.registry import ChannelRegistry
from alerts.dead import RedisDeadLetterStore
from alerts.delivery import Deliverer, Delivery, Outcome
from alerts.idempotency import IdempotencyStore
from alerts.policy import DeliveryPolicy
from alerts.subscription_store import RedisSubscriptionStore
from alerts.subscriptions import CONSOLE_ID, console_subscription
from alerts.worker import worker_owner
from ingest.egress import EgressPolicy


async def resend_dead_letters(
    redis: Redis,
    letter_ids: list[str] | None,
    *,
    policy: DeliveryPolicy,
    allow_private: bool = False,
    egress: EgressPolicy | None = None,
    stdout: TextIO | None = None,
) -> list[dict[str, Any]]:
    """Deliver the given dead letters (all when ``letter_ids`` is ``None``) again; one result each.

    The subscription is read afresh, so a fixed channel URL or secret is used; a letter whose
    subscription was removed stays dead. A letter that fails again is dead-lettered again,
    under the same id, with the new reason.
    """
    letters = RedisDeadLetterStore(redis)
    subscriptions = RedisSubscriptionStore(redis)
    idempotency = IdempotencyStore(redis, worker_owner(), ttl_s=policy.idempotency_ttl_s)
    channels = ChannelRegistry(
        egress=egress, allow_private=allow_private, timeout_s=policy.timeout_s, stdout=stdout
    )
    deliverer = Deliverer(redis, channels, idempotency, policy)
    ids = (
        letter_ids
        if letter_ids is not None
        else [letter.id for letter in await letters.newest(10_000)]
    )
    results: list[dict[str, Any]] = []
    try:
        for letter_id in ids:
            letter = await letters.get(letter_id)
            if letter is None:
                results.append(
                    {"id": letter_id, "outcome": "unknown", "reason": "no such dead letter"}
                )
                continue
            subscription = (
                console_subscription()
                if letter.subscription_id == CONSOLE_ID
                else await subscriptions.get(letter.subscription_id)
            )
            if subscription is None:
                results.append(
                    {"id": letter_id, "outcome": "skipped", "reason": "subscription was removed"}
                )
                continue
            # The keys say "dead"; clear them so the deliverer may claim and send again.
            await idempotency.forget(*letter.keys)
            outcome = await deliverer.deliver(Delivery(subscription, letter.alerts, letter.keys))
            if outcome is Outcome.DELIVERED:
                await letters.remove(letter_id)
            result: dict[str, Any] = {"id": letter_id, "outcome": outcome.value}
            if outcome is Outcome.DEAD:
                again = await letters.get(letter_id)
                result["reason"] = again.reason if again else None
            results.append(result)
    finally:
        await channels.aclose()
    return results
