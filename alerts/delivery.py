"""``Deliverer``: one message to one subscription, exactly once as far as Redis can tell.

Claim the idempotency key, send through the channel with a timeout and a per-target
concurrency limit, retry retryable failures with backoff, then settle the key as ``done``
or write a dead letter. Outcomes go to a ``publish`` callback (the worker's Kafka producer).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from alerts import metrics
from alerts.channels import channel_kind, redact
from alerts.channels.base import Message
from alerts.channels.registry import ChannelRegistry
from alerts.dead import DeadLetter, RedisDeadLetterStore
from alerts.errors import DeliveryError, RetryableDeliveryError
from alerts.idempotency import IdempotencyStore, KeyState, delivery_id
from alerts.policy import DeliveryPolicy
from alerts.retry import backoff_delay
from alerts.subscriptions import Subscription
from ingest.items import format_time
from streams.events import Alert
from vigie.contracts import SCHEMA_DELIVERY, TOPIC_DEAD, TOPIC_DELIVERIES
from vigie.stats import RECENT_DEAD, STAT_DEAD, STAT_DELIVERIES, bump, push_recent

log = logging.getLogger(__name__)

#: ``publish(topic, key, value)``: hand a record to Kafka; awaited until acknowledged.
Publish = Callable[[str, str, dict[str, Any]], Awaitable[None]]


class Outcome(StrEnum):
    """How a delivery ended."""

    DELIVERED = "delivered"
    DUPLICATE = "duplicate"  # already delivered, dead-lettered or held: nothing sent
    HELD = "held"  # buffered for a digest or a revision merge
    DEAD = "dead"
    BUSY = "busy"  # another worker holds the lease (only when not waiting)


async def no_publish(topic: str, key: str, value: dict[str, Any]) -> None:
    """A ``Publish`` that drops records (CLI re-sends, unit tests)."""
    return None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What to send: the alerts, to whom, and the idempotency keys it settles (first one leased)."""

    subscription: Subscription
    alerts: tuple[Alert, ...]
    keys: tuple[str, ...]
    produced_at: float | None = None


class Deliverer:
    """Sends deliveries with claims, retries, timeouts, per-target limits and dead letters."""

    def __init__(
        self,
        redis: Any,
        channels: ChannelRegistry,
        idempotency: IdempotencyStore,
        policy: DeliveryPolicy,
        *,
        publish: Publish = no_publish,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.redis = redis
        self.channels = channels
        self.idempotency = idempotency
        self.policy = policy
        self.publish = publish
        self.sleep = sleep
        self.dead_letters = RedisDeadLetterStore(redis)
        self._limits: dict[str, asyncio.Semaphore] = {}

    def _limit(self, target: str) -> asyncio.Semaphore:
        # One semaphore per target URL: a slow or failing target fills only its own slots.
        semaphore = self._limits.get(target)
        if semaphore is None:
            semaphore = self._limits[target] = asyncio.Semaphore(self.policy.channel_concurrency)
        return semaphore

    async def deliver(self, delivery: Delivery, *, wait_if_busy: bool = True) -> Outcome:
        """Send ``delivery`` once: retry with backoff, then dead-letter; never raise for the target."""
        subscription = delivery.subscription
        kind = channel_kind(subscription.channel) or "unknown"
        key = delivery.keys[0]
        attempts = 0
        error: DeliveryError | None = None
        lease = self.policy.lease_s
        while attempts < self.policy.attempts:
            state = await self.idempotency.claim(key, lease)
            if state is KeyState.BUSY:
                if not wait_if_busy:
                    return Outcome.BUSY
                # Another worker is sending (a rebalance handed us its record): wait for it.
                await self.sleep(max(0.05, min(await self.idempotency.lease_left(key), 1.0)))
                continue
            if state is not KeyState.CLAIMED:
                metrics.DUPLICATES_SUPPRESSED.labels(kind).inc()
                await self.record(delivery, kind, Outcome.DUPLICATE, attempts)
                return Outcome.DUPLICATE
            attempts += 1
            error = await self._attempt(delivery, kind, attempts)
            if error is None:
                await self._settle_sent(delivery.keys)
                await self._delivered(delivery, kind, attempts)
                return Outcome.DELIVERED
            log.info(
                "delivery %s of %s to %s failed (attempt %d/%d): %s",
                delivery_id(key),
                delivery.alerts[0].id,
                subscription.log_name(),
                attempts,
                self.policy.attempts,
                error,
            )
            if not error.retryable or attempts >= self.policy.attempts:
                break
            retry_after = error.retry_after if isinstance(error, RetryableDeliveryError) else None
            delay = backoff_delay(
                attempts,
                base_s=self.policy.backoff_s,
                max_s=self.policy.backoff_max_s,
                retry_after_s=retry_after,
            )
            # Keep the lease through the wait so no other worker starts a parallel retry.
            lease = delay + self.policy.lease_s
            await self.idempotency.claim(key, lease)
            await self.sleep(delay)
        await self._dead(delivery, kind, attempts, error)
        return Outcome.DEAD

    async def _settle_sent(self, keys: tuple[str, ...]) -> None:
        # The target has it: recording that must not give up, or a retry would send it again.
        failures = 0
        while True:
            try:
                await self.idempotency.settle(*keys, state=KeyState.DONE)
                return
            except Exception as exc:
                failures += 1
                log.warning("cannot record a sent delivery yet (%s); retrying", exc)
                await self.sleep(min(5.0, 0.05 * 2**failures))

    async def _attempt(self, delivery: Delivery, kind: str, attempt: int) -> DeliveryError | None:
        subscription = delivery.subscription
        metrics.DELIVERY_ATTEMPTS.labels(kind).inc()
        try:
            channel = self.channels.channel_for(subscription.channel)
            message = Message(
                subscription=subscription,
                alerts=delivery.alerts,
                delivery_id=delivery_id(delivery.keys[0]),
                attempt=attempt,
            )
            async with self._limit(subscription.channel):
                async with asyncio.timeout(self.policy.timeout_s):
                    await channel.send(message)
        except DeliveryError as exc:
            return exc
        except TimeoutError:
            return RetryableDeliveryError(
                f"no answer within {self.policy.timeout_s:g}s", channel=kind
            )
        except Exception as exc:  # a channel bug must not stop the fan-out; retry, then dead-letter
            log.exception("channel %s raised unexpectedly", kind)
            return RetryableDeliveryError(f"unexpected {type(exc).__name__}: {exc}", channel=kind)
        return None

    async def _delivered(self, delivery: Delivery, kind: str, attempts: int) -> None:
        metrics.DELIVERIES.labels(kind, Outcome.DELIVERED.value).inc()
        if delivery.produced_at is not None:
            metrics.DELIVERY_LATENCY.labels(kind).observe(
                max(0.0, time.time() - delivery.produced_at)
            )
        await bump(self.redis, STAT_DELIVERIES)
        await self.record(delivery, kind, Outcome.DELIVERED, attempts)

    async def _dead(
        self, delivery: Delivery, kind: str, attempts: int, error: DeliveryError | None
    ) -> None:
        subscription = delivery.subscription
        reason = str(error) if error else "no attempt could be made"
        letter = DeadLetter(
            id=delivery_id(delivery.keys[0]),
            subscription_id=subscription.id,
            channel=kind,
            target=redact(subscription.channel),
            reason=reason,
            attempts=attempts,
            alerts=delivery.alerts,
            keys=delivery.keys,
            retryable=bool(error and error.retryable),
        )
        log.warning(
            "dead letter %s: %s to %s after %d attempts: %s",
            letter.id,
            delivery.alerts[0].id,
            subscription.log_name(),
            attempts,
            reason,
        )
        # Letter first, key last: a crash in between re-runs the delivery rather than lose it.
        await self.dead_letters.add(letter)
        await self.publish(TOPIC_DEAD, delivery.alerts[0].id, letter.to_dict())
        await self.idempotency.settle(*delivery.keys, state=KeyState.DEAD)
        metrics.DEAD_LETTERS.labels(kind).inc()
        metrics.DELIVERIES.labels(kind, Outcome.DEAD.value).inc()
        await bump(self.redis, STAT_DEAD)
        await push_recent(self.redis, RECENT_DEAD, letter.summary())
        await self.record(delivery, kind, Outcome.DEAD, attempts, reason)

    async def record(
        self,
        delivery: Delivery,
        kind: str,
        outcome: Outcome,
        attempts: int,
        error: str | None = None,
    ) -> None:
        await self.publish(
            TOPIC_DELIVERIES,
            delivery.alerts[0].id,
            outcome_record(delivery, kind, outcome, attempts, error),
        )


def outcome_record(
    delivery: Delivery, kind: str, outcome: Outcome, attempts: int, error: str | None = None
) -> dict[str, Any]:
    """The ``vigie.delivery/1`` record of one outcome."""
    first = delivery.alerts[0]
    return {
        "schema": SCHEMA_DELIVERY,
        "delivery_id": delivery_id(delivery.keys[0]),
        "alert_id": first.id,
        "revision": first.revision,
        "alert_ids": [alert.id for alert in delivery.alerts],
        "subscription_id": delivery.subscription.id,
        "channel": kind,
        "outcome": outcome.value,
        "attempts": attempts,
        "error": error,
        "at": format_time(datetime.now(UTC)),
    }
