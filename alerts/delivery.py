"""``Deliverer``: one message to one subscription, exactly once as far as Redis can tell.

Claim the idempotency key, send through the channel with a timeout and a per-target
concurrency limit, then settle the key as ``done`` or write a dead letter. Outcomes go to a
``publish`` callback (the worker's Kafka producer).

Retryable failures are handled one of two ways. With a ``RedisBacklog`` (the alert worker),
the delivery joins its target's backlog after one failed attempt and ``drain`` retries it
there, with the target's circuit breaker, until the retry horizon. Without one (``vigie dead
retry``), it retries in place up to ``policy.attempts`` tries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis

from alerts import metrics
from alerts.backlog import BacklogEntry, RedisBacklog, target_id
from alerts.breaker import CircuitBreaker, CircuitState
from alerts.channels import channel_kind, redact
from alerts.channels.base import Message
from alerts.channels.registry import ChannelRegistry
from alerts.dead import DeadLetter, RedisDeadLetterStore
from alerts.errors import DeliveryError, RetryableDeliveryError
from alerts.idempotency import IdempotencyStore, KeyState, delivery_id
from alerts.policy import DeliveryPolicy
from alerts.retry import backoff_delay
from alerts.subscriptions import Subscription
from kernel.clock import format_time
from kernel.contracts import SCHEMA_DELIVERY, TOPIC_DEAD, TOPIC_DELIVERIES
from kernel.stats import (
    RECENT_DEAD,
    STAT_DEAD,
    STAT_DELIVERIES,
    STAT_DUPLICATES,
    STAT_RETRIED,
    bump,
    push_recent,
)
from streams.events import Alert

log = logging.getLogger(__name__)

#: ``publish(topic, key, value)``: hand a record to Kafka; awaited until acknowledged.
Publish = Callable[[str, str, dict[str, Any]], Awaitable[None]]
#: ``lookup(subscription_id)``: the current subscription, ``None`` when it was removed.
Lookup = Callable[[str], Awaitable[Subscription | None]]


class Outcome(StrEnum):
    """How a delivery ended."""

    DELIVERED = "delivered"
    DUPLICATE = "duplicate"  # already delivered, dead-lettered or held: nothing sent
    HELD = "held"  # buffered for a digest or a revision merge
    DEAD = "dead"
    BUSY = "busy"  # another worker holds the lease (only when not waiting)
    QUEUED = "queued"  # waiting in the target's backlog for a retry


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
        redis: Redis,
        channels: ChannelRegistry,
        idempotency: IdempotencyStore,
        policy: DeliveryPolicy,
        *,
        publish: Publish = no_publish,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backlog: RedisBacklog | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.channels = channels
        self.idempotency = idempotency
        self.policy = policy
        self.publish = publish
        self.sleep = sleep
        self.backlog = backlog
        self.clock = clock
        self.dead_letters = RedisDeadLetterStore(redis)
        self._limits: dict[str, asyncio.Semaphore] = {}
        #: When an inline attempt from this process last failed, per target (monotonic clock;
        #: infinite until the failure is recorded in Redis). See ``_deliver_or_queue``.
        self._failed_at: dict[str, float] = {}

    def _limit(self, target: str) -> asyncio.Semaphore:
        # One semaphore per target URL: a slow or failing target fills only its own slots.
        semaphore = self._limits.get(target)
        if semaphore is None:
            semaphore = self._limits[target] = asyncio.Semaphore(self.policy.channel_concurrency)
        return semaphore

    async def deliver(self, delivery: Delivery, *, wait_if_busy: bool = True) -> Outcome:
        """Send ``delivery`` once (or queue it for its target); never raise for the target."""
        if self.backlog is not None:
            return await self._deliver_or_queue(delivery, self.backlog, wait_if_busy)
        return await self._deliver_in_place(delivery, wait_if_busy)

    async def _claim(self, delivery: Delivery, kind: str, wait_if_busy: bool) -> Outcome | None:
        # None: claimed, go ahead; else the outcome to return without sending.
        key = delivery.keys[0]
        while True:
            state = await self.idempotency.claim(key, self.policy.lease_s)
            if state is KeyState.CLAIMED:
                return None
            if state is KeyState.BUSY:
                if not wait_if_busy:
                    return Outcome.BUSY
                await self.sleep(max(0.05, min(await self.idempotency.lease_left(key), 1.0)))
                continue
            await self._suppressed(delivery, kind, 0)
            return Outcome.DUPLICATE

    def breaker(self, state: dict[str, Any] | None = None) -> CircuitBreaker:
        """A target's circuit breaker with this deliverer's policy and clock."""
        return CircuitBreaker(
            threshold=self.policy.breaker_threshold,
            base_s=self.policy.backoff_s,
            max_s=self.policy.backoff_max_s,
            clock=self.clock,
        ).restore(state)

    async def _deliver_or_queue(
        self, delivery: Delivery, backlog: RedisBacklog, wait_if_busy: bool
    ) -> Outcome:
        subscription = delivery.subscription
        kind = channel_kind(subscription.channel) or "unknown"
        settled = await self._claim(delivery, kind, wait_if_busy)
        if settled is not None:
            return settled
        target = target_id(subscription.channel)
        entry = BacklogEntry(
            id=delivery_id(delivery.keys[0]),
            subscription_id=subscription.id,
            alerts=delivery.alerts,
            keys=delivery.keys,
            queued_at=self.clock(),
            produced_at=delivery.produced_at,
        )
        checked_at = time.monotonic()
        waiting, state = await backlog.gate(target)
        breaker = self.breaker(state)
        if waiting or breaker.state is not CircuitState.CLOSED or breaker.backing_off:
            # Behind older deliveries, or the target is paused: wait in line, do not try it now.
            return await self._wait_in_line(delivery, backlog, target, entry, kind, breaker)
        async with self._limit(subscription.channel):
            if self._failed_at.get(target, -1.0) >= checked_at:
                # An attempt failed after our look at Redis: do not pile more onto the target.
                return await self._wait_in_line(delivery, backlog, target, entry, kind, breaker)
            error = await self._attempt(delivery, kind, 1, limited=False)
            if error is not None and error.retryable:
                self._failed_at[target] = float("inf")
            else:
                self._failed_at.pop(target, None)
        if error is None:
            await self._settle_sent(delivery.keys)
            await self._delivered(delivery, kind, 1)
            return Outcome.DELIVERED
        if not error.retryable:
            await self._dead(delivery, kind, 1, error)
            return Outcome.DEAD
        retry_at = await self._failed(backlog, target, error, kind)
        await self._queue(backlog, target, entry.failed(str(error)), kind, retry_at)
        # Recorded: a look at Redis from now on sees the failure.
        self._failed_at[target] = time.monotonic()
        log.info(
            "delivery %s of %s to %s failed, retry in %.1fs: %s",
            entry.id,
            delivery.alerts[0].id,
            subscription.log_name(),
            max(0.0, retry_at - self.clock()),
            error,
        )
        return Outcome.QUEUED

    async def _wait_in_line(
        self,
        delivery: Delivery,
        backlog: RedisBacklog,
        target: str,
        entry: BacklogEntry,
        kind: str,
        breaker: CircuitBreaker,
    ) -> Outcome:
        due_at = max(breaker.retry_at, self.clock())
        length = await self._queue(backlog, target, entry, kind, due_at)
        log.info(
            "delivery %s of %s to %s waits in line (%d queued, target %s)",
            entry.id,
            delivery.alerts[0].id,
            delivery.subscription.log_name(),
            length,
            breaker.state.value,
        )
        return Outcome.QUEUED

    async def _queue(
        self, backlog: RedisBacklog, target: str, entry: BacklogEntry, kind: str, due_at: float
    ) -> int:
        length = await backlog.push(target, entry, due_at)
        metrics.DELIVERIES_QUEUED.labels(kind).inc()
        return length

    async def _failed(
        self,
        backlog: RedisBacklog,
        target: str,
        error: DeliveryError,
        kind: str,
        breaker: CircuitBreaker | None = None,
    ) -> float:
        if breaker is None:
            # Read afresh: other attempts of the same burst may have failed meanwhile.
            breaker = self.breaker(await backlog.breaker_state(target))
        was_closed = breaker.state is CircuitState.CLOSED
        retry_after = error.retry_after if isinstance(error, RetryableDeliveryError) else None
        retry_at = breaker.record_failure(str(error), retry_after)
        await backlog.save_breaker(target, breaker.to_dict())
        await bump(self.redis, STAT_RETRIED)
        if was_closed and breaker.failures >= breaker.threshold:
            metrics.BREAKER_OPENED.labels(kind).inc()
            log.warning(
                "target %s paused after %d failures in a row; next probe in %.1fs: %s",
                target,
                breaker.failures,
                max(0.0, retry_at - self.clock()),
                error,
            )
        return retry_at

    async def drain(self, target: str, lookup: Lookup, owner: str) -> int:
        """Retry ``target``'s backlog in order while it accepts; returns how many were settled.

        Stops at the first retryable failure (the breaker backs off, the target is rescheduled)
        or when another worker holds the target's drain lock. An entry older than the retry
        horizon is dead-lettered after a failed try, or without one while the target fails.
        """
        backlog = self.backlog
        if backlog is None:
            return 0
        lock_s = self.policy.lease_s * 2
        if not await backlog.lock(target, owner, lock_s):
            return 0
        settled = 0
        try:
            while await backlog.renew(target, owner, lock_s):
                entry = await backlog.head(target)
                if entry is None:
                    # Nothing left: unschedule (atomically with respect to a concurrent push).
                    await backlog.pop(target, BacklogEntry("", "", (), (), 0.0), self.clock())
                    return settled
                breaker = self.breaker(await backlog.breaker_state(target))
                if not await self._drain_one(backlog, target, entry, breaker, lookup):
                    return settled
                settled += 1
        finally:
            await backlog.unlock(target, owner)
        return settled

    async def _drain_one(
        self,
        backlog: RedisBacklog,
        target: str,
        entry: BacklogEntry,
        breaker: CircuitBreaker,
        lookup: Lookup,
    ) -> bool:
        # True: the head was settled and popped, go on with the next; False: stop for now.
        now = self.clock()
        subscription = await lookup(entry.subscription_id)
        kind = (channel_kind(subscription.channel) if subscription else None) or "unknown"
        expired = now - entry.queued_at >= self.policy.retry_horizon_s
        if subscription is None or (expired and breaker.failures):
            reason = (
                "subscription was removed"
                if subscription is None
                else f"no delivery within the retry horizon "
                f"({self.policy.retry_horizon_s:g}s): {entry.last_error or breaker.last_error}"
            )
            await self._dead_entry(backlog, target, entry, subscription, kind, reason)
            return True
        if not breaker.acquire():
            await backlog.schedule(target, breaker.retry_at)
            return False
        delivery = Delivery(subscription, entry.alerts, entry.keys, entry.produced_at)
        state = await self.idempotency.claim(entry.keys[0], self.policy.lease_s, from_queue=True)
        if state is KeyState.BUSY:
            await backlog.schedule(target, now + 1.0)
            return False
        if state is not KeyState.CLAIMED:
            # Settled meanwhile (sent before a crash, or re-sent by an operator): drop it.
            await backlog.pop(target, entry, now)
            await self._suppressed(delivery, kind, entry.attempts)
            return True
        attempts = entry.attempts + 1
        error = await self._attempt(delivery, kind, attempts)
        if error is None or not error.retryable:
            # Any definitive answer shows the target is up again.
            breaker.record_success()
            self._failed_at.pop(target, None)
            await backlog.save_breaker(target, breaker.to_dict())
            if error is None:
                await self._settle_sent(entry.keys)
                await backlog.pop(target, entry, self.clock())
                await self._delivered(delivery, kind, attempts)
            else:
                await self._dead(delivery, kind, attempts, error)
                await backlog.pop(target, entry, self.clock())
            return True
        retry_at = await self._failed(backlog, target, error, kind, breaker)
        failed = entry.failed(str(error))
        log.info(
            "retry %d of delivery %s to %s failed, next in %.1fs: %s",
            attempts,
            entry.id,
            subscription.log_name(),
            max(0.0, retry_at - self.clock()),
            error,
        )
        if self.clock() - entry.queued_at >= self.policy.retry_horizon_s:
            await self._dead(delivery, kind, attempts, error)
            await backlog.pop(target, entry, retry_at)
            return True
        await backlog.replace_head(target, failed)
        await self.idempotency.settle(entry.keys[0], state=KeyState.QUEUED)
        await backlog.schedule(target, retry_at)
        return False

    async def _dead_entry(
        self,
        backlog: RedisBacklog,
        target: str,
        entry: BacklogEntry,
        subscription: Subscription | None,
        kind: str,
        reason: str,
    ) -> None:
        # A removed subscription has no channel left to name; the letter keeps its id.
        stand_in = subscription or Subscription.model_construct(
            id=entry.subscription_id, name=None, channel="removed://"
        )
        delivery = Delivery(stand_in, entry.alerts, entry.keys, entry.produced_at)
        error = RetryableDeliveryError(reason, channel=kind)
        await self._dead(delivery, kind, entry.attempts, error)
        await backlog.pop(target, entry, self.clock())

    async def _deliver_in_place(self, delivery: Delivery, wait_if_busy: bool) -> Outcome:
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
                await self._suppressed(delivery, kind, attempts)
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
            await bump(self.redis, STAT_RETRIED)
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

    async def _attempt(
        self, delivery: Delivery, kind: str, attempt: int, *, limited: bool = True
    ) -> DeliveryError | None:
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
            limit = self._limit(subscription.channel) if limited else contextlib.nullcontext()
            async with limit:
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

    async def _suppressed(self, delivery: Delivery, kind: str, attempts: int) -> None:
        # Already delivered, dead-lettered or held elsewhere: nothing is sent.
        metrics.DUPLICATES_SUPPRESSED.labels(kind).inc()
        await bump(self.redis, STAT_DUPLICATES)
        await self.record(delivery, kind, Outcome.DUPLICATE, attempts)

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
