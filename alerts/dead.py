"""Dead letters: deliveries that failed for good, with the reason, kept in Redis for
``vigie dead list|retry`` and published on ``vigie.dead``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from kernel.clock import format_time, parse_time
from kernel.contracts import SCHEMA_DEAD, redis_key
from streams.events import Alert

LETTERS_KEY = redis_key("dead", "letters")
INDEX_KEY = redis_key("dead", "index")
#: Dead letters older than this are dropped from Redis (they remain on the topic).
DEAD_TTL_S = 30 * 24 * 3600


@dataclass(frozen=True)
class DeadLetter:
    """One delivery that could not be made: what, to whom, why, after how many attempts."""

    id: str
    subscription_id: str
    channel: str
    target: str
    reason: str
    attempts: int
    alerts: tuple[Alert, ...]
    keys: tuple[str, ...]
    failed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    retryable: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The ``vigie.dead/1`` record."""
        alerts = [alert.to_dict() for alert in self.alerts]
        return {
            "schema": SCHEMA_DEAD,
            "id": self.id,
            "alert_id": self.alerts[0].id if self.alerts else None,
            "revision": self.alerts[0].revision if self.alerts else None,
            "subscription_id": self.subscription_id,
            "channel": self.channel,
            "target": self.target,
            "reason": self.reason,
            "retryable": self.retryable,
            "attempts": self.attempts,
            "failed_at": format_time(self.failed_at),
            "alert": alerts[0] if len(alerts) == 1 else None,
            "alerts": alerts,
            "keys": list(self.keys),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeadLetter:
        """Read a dead letter back."""
        return cls(
            id=str(data["id"]),
            subscription_id=str(data.get("subscription_id") or ""),
            channel=str(data.get("channel") or ""),
            target=str(data.get("target") or ""),
            reason=str(data.get("reason") or ""),
            attempts=int(data.get("attempts") or 0),
            alerts=tuple(Alert.from_dict(alert) for alert in data.get("alerts") or []),
            keys=tuple(str(key) for key in data.get("keys") or []),
            failed_at=parse_time(data.get("failed_at")) or datetime.now(UTC),
            retryable=bool(data.get("retryable", True)),
        )

    def summary(self) -> dict[str, Any]:
        """A short form for the status page and ``vigie dead list``."""
        first = self.alerts[0] if self.alerts else None
        return {
            "id": self.id,
            "failed_at": format_time(self.failed_at),
            "subscription_id": self.subscription_id,
            "channel": self.channel,
            "target": self.target,
            "reason": self.reason,
            "attempts": self.attempts,
            "alert_id": first.id if first else None,
            "revision": first.revision if first else None,
            "alerts": len(self.alerts),
            "headline": (first.headline.get("en") or first.headline.get("fr")) if first else None,
        }


class RedisDeadLetterStore:
    """Dead letters by id, ordered by failure time."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def add(self, letter: DeadLetter) -> None:
        """Keep ``letter`` (re-adding the same id replaces it)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(LETTERS_KEY, letter.id, json.dumps(letter.to_dict(), ensure_ascii=False))
        pipe.zadd(INDEX_KEY, {letter.id: letter.failed_at.timestamp()})
        pipe.expire(LETTERS_KEY, DEAD_TTL_S)
        pipe.expire(INDEX_KEY, DEAD_TTL_S)
        await pipe.execute()

    async def get(self, letter_id: str) -> DeadLetter | None:
        """One dead letter, or ``None``."""
        raw = await self.redis.hget(LETTERS_KEY, letter_id)
        return DeadLetter.from_dict(json.loads(raw)) if raw else None

    async def newest(self, limit: int = 100) -> list[DeadLetter]:
        """The newest ``limit`` dead letters, newest first."""
        ids: list[Any] = await self.redis.zrevrange(INDEX_KEY, 0, max(limit, 1) - 1)
        if not ids:
            return []
        raws = await self.redis.hmget(LETTERS_KEY, ids)
        return [DeadLetter.from_dict(json.loads(raw)) for raw in raws if raw]

    async def remove(self, letter_id: str) -> None:
        """Forget a dead letter (it was re-sent)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(LETTERS_KEY, letter_id)
        pipe.zrem(INDEX_KEY, letter_id)
        await pipe.execute()
