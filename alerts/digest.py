"""Alert fatigue: digests when a subscriber would get too many alerts, and revision merging.

Redis layout (all under the versioned prefix):
- ``rate:<sub>``            alerts sent to a subscription in the current window (expires with it)
- ``sent:<alert>:<sub>``    when the alert last went out to the subscription (merge window)
- ``held:<sub>``            hash alert id -> newest held revision, waiting to be flushed
- ``held:due``              sorted set: subscription -> when its held alerts are due
- ``held:batch:<id>``       a held hash taken for flushing; ``held:batches`` lists them so a
                            batch whose flusher died is flushed again by the next one
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from alerts.subscriptions import Subscription
from kernel.contracts import redis_key
from streams.events import Alert

DUE_KEY = redis_key("held", "due")
BATCHES_KEY = redis_key("held", "batches")
HELD_PREFIX = redis_key("held", "")
BATCH_PREFIX = redis_key("held", "batch", "")
SUBSCRIPTION_FIELD = "__subscription__"
HELD_TTL_S = 7 * 24 * 3600

_TAKE_DUE = """
local subs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local taken = {}
for index, sub in ipairs(subs) do
  redis.call('ZREM', KEYS[1], sub)
  local held = ARGV[3] .. sub
  if redis.call('EXISTS', held) == 1 then
    local batch = ARGV[5] .. '-' .. index
    local batch_key = ARGV[4] .. batch
    redis.call('RENAME', held, batch_key)
    redis.call('HSET', batch_key, ARGV[6], sub)
    redis.call('ZADD', KEYS[2], ARGV[1], batch)
    table.insert(taken, batch)
  end
end
return taken
"""


def rate_key(subscription_id: str) -> str:
    """Counter of alerts sent to a subscription in its current window."""
    return redis_key("rate", subscription_id)


def sent_key(alert_id: str, subscription_id: str) -> str:
    """When an alert last went out to a subscription."""
    return redis_key("sent", alert_id, subscription_id)


def digest_key(batch_id: str) -> str:
    """The idempotency key of a flushed batch."""
    return redis_key("delivery", "digest", batch_id)


@dataclass(frozen=True, slots=True)
class HeldBatch:
    """Alerts taken from a subscription's buffer, to send as one message."""

    id: str
    subscription_id: str
    alerts: tuple[Alert, ...]
    keys: tuple[str, ...]


class RedisHoldBuffer:
    """Decides when to hold an alert, keeps held alerts, and hands out due batches."""

    def __init__(
        self, redis: Redis, *, threshold: int, window_s: float, merge_window_s: float
    ) -> None:
        self.redis = redis
        self.threshold = threshold
        self.window_s = window_s
        self.merge_window_s = merge_window_s
        self._take_due = redis.register_script(_TAKE_DUE)

    async def hold_until(
        self, alert: Alert, subscription: Subscription, now: float
    ) -> float | None:
        """When to send ``alert`` if it must wait (digest or revision merge), else ``None``."""
        held = HELD_PREFIX + subscription.id
        if await self.redis.hexists(held, alert.id):
            # An older revision already waits: the newer one joins it.
            due = await self.redis.zscore(DUE_KEY, subscription.id)
            return float(due) if due is not None else now
        if alert.revision > 0 and self.merge_window_s > 0:
            last_sent = await self.redis.get(sent_key(alert.id, subscription.id))
            if last_sent is not None and now - float(last_sent) < self.merge_window_s:
                return float(last_sent) + self.merge_window_s
        if self.window_s <= 0:
            return None
        key = rate_key(subscription.id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, max(1, int(self.window_s)), nx=True)
        pipe.pttl(key)
        count, _, ttl_ms = await pipe.execute()
        if int(count) <= self.threshold:
            return None
        return now + max(int(ttl_ms), 0) / 1000

    async def hold(self, alert: Alert, key: str, subscription: Subscription, due: float) -> None:
        """Keep ``alert`` (newest revision wins, earlier revisions' keys kept) until ``due``."""
        held = HELD_PREFIX + subscription.id
        raw = await self.redis.hget(held, alert.id)
        keys = [key]
        if raw is not None:
            previous = json.loads(raw)
            keys = sorted({*previous.get("keys", []), key})
            if int(previous["alert"].get("revision", 0)) > alert.revision:
                alert = Alert.from_dict(previous["alert"])
        entry = json.dumps({"alert": alert.to_dict(), "keys": keys}, ensure_ascii=False)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(held, alert.id, entry)
        pipe.expire(held, HELD_TTL_S)
        pipe.zadd(DUE_KEY, {subscription.id: due}, lt=True)
        await pipe.execute()

    async def mark_sent(self, alerts: tuple[Alert, ...], subscription_id: str, now: float) -> None:
        """Remember when alerts went out, to merge revisions that follow quickly."""
        if self.merge_window_s <= 0:
            return
        pipe = self.redis.pipeline(transaction=False)
        for alert in alerts:
            pipe.set(sent_key(alert.id, subscription_id), now, ex=max(1, int(self.merge_window_s)))
        await pipe.execute()

    async def take_due(self, now: float, limit: int = 100) -> None:
        """Move every due buffer into a batch (atomically, so two workers never share one)."""
        await self._take_due(
            keys=[DUE_KEY, BATCHES_KEY],
            args=[now, limit, HELD_PREFIX, BATCH_PREFIX, uuid.uuid4().hex, SUBSCRIPTION_FIELD],
        )

    async def batch_ids(self) -> list[str]:
        """Batches waiting to be sent, oldest first."""
        values: list[Any] = await self.redis.zrange(BATCHES_KEY, 0, -1)
        return [_text(value) for value in values]

    async def read_batch(self, batch_id: str) -> HeldBatch | None:
        """A batch's alerts (oldest first) and keys; ``None`` once it is gone."""
        fields = await self.redis.hgetall(BATCH_PREFIX + batch_id)
        if not fields:
            return None
        entries = {_text(name): _text(value) for name, value in fields.items()}
        subscription_id = entries.pop(SUBSCRIPTION_FIELD, "")
        alerts: list[Alert] = []
        keys: list[str] = []
        for raw in entries.values():
            entry = json.loads(raw)
            alerts.append(Alert.from_dict(entry["alert"]))
            keys += entry.get("keys", [])
        alerts.sort(key=lambda alert: (alert.first_seen, alert.id))
        return HeldBatch(batch_id, subscription_id, tuple(alerts), tuple(keys))

    async def drop_batch(self, batch_id: str) -> None:
        """Forget a batch once it is delivered or dead-lettered."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(BATCH_PREFIX + batch_id)
        pipe.zrem(BATCHES_KEY, batch_id)
        await pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
