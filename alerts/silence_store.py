"""Silences in Redis: one hash of JSON documents and a version, like the subscriptions.

Each alert a silence stopped is recorded (``silenced:<alert id>:<revision>`` -> silence id,
with a TTL) so a history writer can mark it silenced; the record is also kept in a capped
list for the operators.
"""

from __future__ import annotations

import json
from datetime import datetime

from redis.asyncio import Redis

from alerts.silences import Silence
from kernel.contracts import redis_key
from kernel.stats import push_recent
from streams.events import Alert

# Configuration, not cache: no TTL on purpose (expired silences stay listed until removed).
SILENCES_KEY = redis_key("silences")
VERSION_KEY = redis_key("silences", "version")
#: The list of recently silenced alerts, as the status page's other recent lists.
RECENT_SILENCED = "silenced"
SILENCED_RECORD_TTL_S = 30 * 86400


def silenced_key(alert_id: str, revision: int) -> str:
    """The record that one alert revision was silenced (holds the silence id)."""
    return redis_key("silenced", alert_id, revision)


class RedisSilenceStore:
    """Create, read, list and expire silences; record the alerts they stop."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def put(self, silence: Silence) -> None:
        """Store ``silence`` under its id, replacing any previous version."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(SILENCES_KEY, silence.id, silence.model_dump_json())
        pipe.incr(VERSION_KEY)
        await pipe.execute()

    async def get(self, silence_id: str) -> Silence | None:
        """The silence with ``silence_id``, or ``None``."""
        raw = await self.redis.hget(SILENCES_KEY, silence_id)
        return _load(raw) if raw is not None else None

    async def all(self) -> list[Silence]:
        """Every readable silence, newest first."""
        raws = await self.redis.hvals(SILENCES_KEY)
        silences = [silence for silence in map(_load, raws) if silence is not None]
        return sorted(silences, key=lambda silence: silence.created_at, reverse=True)

    async def expire(self, silence_id: str, now: datetime) -> Silence | None:
        """End a silence at ``now`` (kept, listed as expired); ``None`` when there is none."""
        silence = await self.get(silence_id)
        if silence is None:
            return None
        if silence.ends_at > now:
            starts_at = min(silence.starts_at, now)
            silence = silence.model_copy(update={"ends_at": now, "starts_at": starts_at})
            await self.put(silence)
        return silence

    async def version(self) -> int:
        """A number that changes whenever a silence changes."""
        return int(await self.redis.get(VERSION_KEY) or 0)

    async def record_silenced(self, alert: Alert, silence: Silence, now: datetime) -> None:
        """Remember that ``silence`` stopped this revision of ``alert``."""
        await self.redis.set(
            silenced_key(alert.id, alert.revision), silence.id, ex=SILENCED_RECORD_TTL_S
        )
        await push_recent(
            self.redis,
            RECENT_SILENCED,
            {
                "alert_id": alert.id,
                "revision": alert.revision,
                "silence_id": silence.id,
                "silenced_at": now.isoformat(),
            },
        )

    async def silenced_with(self, alert_id: str, revision: int) -> str | None:
        """The id of the silence that stopped this alert revision, or ``None``."""
        raw = await self.redis.get(silenced_key(alert_id, revision))
        return raw.decode() if isinstance(raw, bytes) else raw


def _load(raw: bytes | str) -> Silence | None:
    try:
        return Silence.model_validate(json.loads(raw))
    except (ValueError, TypeError):
        return None
