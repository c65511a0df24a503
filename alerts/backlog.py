"""Per-target delivery backlogs in Redis: what waits for a failing target, in order, across restarts.

    vigie:v1:retry:queue:<target>   list of ``BacklogEntry`` JSON, oldest first
    vigie:v1:retry:due              sorted set: target -> when its head may be tried next
    vigie:v1:retry:breaker          hash: target -> persisted ``CircuitBreaker`` state
    vigie:v1:retry:lock:<target>    which worker drains the target now (a lease)

A failed delivery is pushed and its idempotency key set to ``queued`` in one transaction,
before the alert worker counts its Kafka record as handled: once the offset is committed the
backlog, not Kafka, holds the delivery, so a worker restart loses nothing. One worker at a
time drains a target (the lock), so its backlog goes out in order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from redis.asyncio import Redis

from kernel.contracts import redis_key
from streams.events import Alert

DUE_KEY = redis_key("retry", "due")
BREAKER_KEY = redis_key("retry", "breaker")
#: Value of an idempotency key whose delivery waits in a backlog.
QUEUED = "queued"

_ENQUEUE = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[2])
redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[5])
return redis.call('LLEN', KEYS[1])
"""

# Pop the head only if it is still the entry the caller handled; unschedule an emptied target
# in the same step so a concurrent push can never be left without a due time.
_POP = """
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
end
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return redis.call('LLEN', KEYS[1])
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return false
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def target_id(channel: str) -> str:
    """A short stable name for a channel URL (the URL may hold secrets: keep it out of key names)."""
    return hashlib.sha256(channel.encode()).hexdigest()[:20]


def queue_key(target: str) -> str:
    """The backlog list of ``target``."""
    return redis_key("retry", "queue", target)


def lock_key(target: str) -> str:
    """The drain lock of ``target``."""
    return redis_key("retry", "lock", target)


@dataclass(frozen=True)
class BacklogEntry:
    """One delivery waiting for its target: whom, what, since when, how many tries, last error."""

    id: str
    subscription_id: str
    alerts: tuple[Alert, ...]
    keys: tuple[str, ...]
    queued_at: float
    attempts: int = 0
    last_error: str = ""
    retryable: bool = True
    produced_at: float | None = None
    raw: str = field(default="", compare=False, repr=False)

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(
            {
                "id": self.id,
                "subscription_id": self.subscription_id,
                "alerts": [alert.to_dict() for alert in self.alerts],
                "keys": list(self.keys),
                "queued_at": self.queued_at,
                "attempts": self.attempts,
                "last_error": self.last_error,
                "retryable": self.retryable,
                "produced_at": self.produced_at,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> BacklogEntry:
        """Read a stored entry (``raw`` is kept to pop exactly this one later)."""
        text = raw.decode() if isinstance(raw, bytes) else raw
        data = json.loads(text)
        return cls(
            id=str(data["id"]),
            subscription_id=str(data.get("subscription_id") or ""),
            alerts=tuple(Alert.from_dict(alert) for alert in data.get("alerts") or []),
            keys=tuple(str(key) for key in data.get("keys") or []),
            queued_at=float(data.get("queued_at") or 0.0),
            attempts=int(data.get("attempts") or 0),
            last_error=str(data.get("last_error") or ""),
            retryable=bool(data.get("retryable", True)),
            produced_at=data.get("produced_at"),
            raw=text,
        )

    def failed(self, error: str, retryable: bool = True) -> BacklogEntry:
        """This entry after one more failed attempt."""
        return replace(self, attempts=self.attempts + 1, last_error=error, retryable=retryable)


class RedisBacklog:
    """Backlogs, due times, breaker states and drain locks of every target."""

    def __init__(self, redis: Redis, *, key_ttl_s: int) -> None:
        self.redis = redis
        self.key_ttl_s = key_ttl_s
        self._enqueue = redis.register_script(_ENQUEUE)
        self._pop = redis.register_script(_POP)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def push(self, target: str, entry: BacklogEntry, due_at: float) -> int:
        """Append ``entry`` and mark its key ``queued`` atomically; returns the backlog's length."""
        length = await self._enqueue(
            keys=[queue_key(target), DUE_KEY, entry.keys[0]],
            args=[entry.to_json(), target, due_at, QUEUED, self.key_ttl_s],
        )
        return int(length)

    async def length(self, target: str) -> int:
        """How many deliveries wait for ``target``."""
        return int(await self.redis.llen(queue_key(target)))

    async def head(self, target: str) -> BacklogEntry | None:
        """The oldest waiting delivery of ``target``."""
        raw = await self.redis.lindex(queue_key(target), 0)
        return BacklogEntry.from_json(raw) if raw is not None else None

    async def replace_head(self, target: str, entry: BacklogEntry) -> BacklogEntry:
        """Store the head's new attempt count and error (only the lock holder changes a head)."""
        text = entry.to_json()
        await self.redis.lset(queue_key(target), 0, text)
        return replace(entry, raw=text)

    async def pop(self, target: str, entry: BacklogEntry, next_due: float) -> int:
        """Drop ``entry`` if it is still the head; returns how many remain (0 unschedules the target)."""
        return int(
            await self._pop(keys=[queue_key(target), DUE_KEY], args=[entry.raw, target, next_due])
        )

    async def schedule(self, target: str, due_at: float) -> None:
        """Try ``target``'s head again at ``due_at``."""
        await self.redis.zadd(DUE_KEY, {target: due_at})

    async def due(self, now: float, limit: int = 100) -> list[str]:
        """Targets whose head may be tried now."""
        found = await self.redis.zrangebyscore(DUE_KEY, "-inf", now, start=0, num=limit)
        return [value.decode() if isinstance(value, bytes) else str(value) for value in found]

    async def total(self) -> int:
        """How many targets have a backlog."""
        return int(await self.redis.zcard(DUE_KEY))

    async def gate(self, target: str) -> tuple[int, dict[str, Any] | None]:
        """The backlog length and breaker state of ``target`` in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.llen(queue_key(target))
        pipe.hget(BREAKER_KEY, target)
        length, raw = await pipe.execute()
        return int(length), (json.loads(raw) if raw else None)

    async def breaker_state(self, target: str) -> dict[str, Any] | None:
        """The persisted breaker state of ``target``."""
        raw = await self.redis.hget(BREAKER_KEY, target)
        return json.loads(raw) if raw else None

    async def save_breaker(self, target: str, state: dict[str, Any]) -> None:
        """Persist the breaker state of ``target`` (a closed one with no failures is dropped)."""
        if not state.get("failures"):
            await self.redis.hdel(BREAKER_KEY, target)
        else:
            await self.redis.hset(BREAKER_KEY, target, json.dumps(state))

    async def lock(self, target: str, owner: str, lease_s: float) -> bool:
        """Take the drain lock of ``target`` for ``lease_s``."""
        return bool(
            await self.redis.set(lock_key(target), owner, nx=True, px=max(1, int(lease_s * 1000)))
        )

    async def renew(self, target: str, owner: str, lease_s: float) -> bool:
        """Extend our drain lock; ``False`` when it was lost."""
        return bool(
            await self._renew(keys=[lock_key(target)], args=[owner, max(1, int(lease_s * 1000))])
        )

    async def unlock(self, target: str, owner: str) -> None:
        """Release our drain lock."""
        await self._release(keys=[lock_key(target)], args=[owner])
