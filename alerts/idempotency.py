"""Idempotency keys in Redis: one per (alert id, revision, subscription), so nothing is sent twice.

A key moves through these values:

    (absent) ──claim──► sending:<owner> (lease) ──► done | dead | held | queued
                            │ lease expires (worker died mid-send)      │
                            └──────────────► absent again               │ the backlog's drain
                                             (the next worker may claim)│ claims it again
                                   sending:<owner> ◄────────────────────┘

``queued`` means the delivery waits in its target's backlog (alerts/backlog.py).
``done``/``dead``/``held``/``queued`` stay for ``ttl_s`` (longer than any redelivery), so a Kafka redelivery
or a second worker finds the key and skips the delivery.
"""

from __future__ import annotations

import hashlib
import uuid
from enum import StrEnum

from redis.asyncio import Redis

from kernel.contracts import redis_key

DEFAULT_TTL_S = 7 * 24 * 3600

_CLAIM = """
local value = redis.call('GET', KEYS[1])
local mine = 'sending:' .. ARGV[1]
if not value or value == mine or (ARGV[3] == '1' and value == 'queued') then
  redis.call('SET', KEYS[1], mine, 'PX', ARGV[2])
  return 'claimed'
end
if string.sub(value, 1, 8) == 'sending:' then
  return 'busy'
end
return value
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == 'sending:' .. ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class KeyState(StrEnum):
    """What a claim found."""

    CLAIMED = "claimed"  # this worker may send now
    BUSY = "busy"  # another worker holds a live lease
    DONE = "done"  # already delivered
    DEAD = "dead"  # already dead-lettered
    HELD = "held"  # waiting in a digest or revision-merge buffer
    QUEUED = "queued"  # waiting in its target's backlog for a retry


def delivery_key(alert_id: str, revision: int, subscription_id: str) -> str:
    """The idempotency key of one alert revision for one subscription."""
    return redis_key("delivery", alert_id, revision, subscription_id)


def delivery_id(key: str) -> str:
    """The ``X-Vigie-Delivery`` id of a key: stable across retries, crashes and redeliveries."""
    return str(uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16], version=4))


class IdempotencyStore:
    """Claims, leases and final states of deliveries in Redis."""

    def __init__(self, redis: Redis, owner: str, *, ttl_s: int = DEFAULT_TTL_S) -> None:
        self.redis = redis
        self.owner = owner
        self.ttl_s = ttl_s
        self._claim = redis.register_script(_CLAIM)
        self._release = redis.register_script(_RELEASE)

    async def claim(self, key: str, lease_s: float, *, from_queue: bool = False) -> KeyState:
        """Take (or renew) the lease on ``key`` unless settled or leased elsewhere (``queued`` too with ``from_queue``)."""
        lease_ms = max(1, int(lease_s * 1000))
        value = await self._claim(
            keys=[key], args=[self.owner, lease_ms, "1" if from_queue else "0"]
        )
        text = value.decode() if isinstance(value, bytes) else str(value)
        try:
            return KeyState(text)
        except ValueError:
            return KeyState.DONE

    async def state(self, key: str) -> KeyState | None:
        """The settled state of ``key`` (``BUSY`` while leased), ``None`` when never handled."""
        value = await self.redis.get(key)
        if value is None:
            return None
        text = value.decode() if isinstance(value, bytes) else str(value)
        return KeyState.BUSY if text.startswith("sending:") else KeyState(text)

    async def lease_left(self, key: str) -> float:
        """Seconds left on the lease of ``key`` (0 when none)."""
        millis = await self.redis.pttl(key)
        return max(0.0, int(millis) / 1000)

    async def settle(self, *keys: str, state: KeyState) -> None:
        """Record the final state of ``keys`` (delivered, dead-lettered, held)."""
        if not keys:
            return
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.set(key, state.value, ex=self.ttl_s)
        await pipe.execute()

    async def release(self, key: str) -> None:
        """Drop this worker's lease so another may claim at once."""
        await self._release(keys=[key], args=[self.owner])

    async def forget(self, *keys: str) -> None:
        """Clear keys entirely (an operator re-sends a dead letter)."""
        if keys:
            await self.redis.delete(*keys)
