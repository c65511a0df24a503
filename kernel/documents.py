"""``DocumentHash``: configuration documents kept as JSON in one Redis hash, with a version
number that changes on every write so the processes using them know when to re-read."""

from __future__ import annotations

from redis.asyncio import Redis


class DocumentHash:
    """Put, get, list and remove JSON documents by id; each write bumps the version."""

    def __init__(self, redis: Redis, key: str, version_key: str) -> None:
        self.redis = redis
        self.key = key
        self.version_key = version_key

    async def put(self, document_id: str, document: str) -> None:
        """Store ``document`` under ``document_id``, replacing any previous one."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key, document_id, document)
        pipe.incr(self.version_key)
        await pipe.execute()

    async def add(self, document_id: str, document: str) -> bool:
        """Store ``document`` unless ``document_id`` is taken; ``False`` when it was."""
        added = await self.redis.hsetnx(self.key, document_id, document)
        if added:
            await self.redis.incr(self.version_key)
        return bool(added)

    async def get(self, document_id: str) -> bytes | str | None:
        """The raw document stored under ``document_id``, or ``None``."""
        return await self.redis.hget(self.key, document_id)

    async def values(self) -> list[bytes | str]:
        """Every raw document, in no particular order."""
        return await self.redis.hvals(self.key)

    async def remove(self, document_id: str) -> bool:
        """Delete a document; ``False`` when there was none."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.key, document_id)
        pipe.incr(self.version_key)
        removed, _ = await pipe.execute()
        return bool(removed)

    async def version(self) -> int:
        """A number that changes whenever a document changes."""
        return int(await self.redis.get(self.version_key) or 0)
