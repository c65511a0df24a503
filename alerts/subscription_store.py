"""Subscriptions in Redis: one hash of JSON documents, plus a version the workers watch."""

from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis

from alerts.subscriptions import (
    Subscription,
    SubscriptionInvalid,
    build_subscription,
    stable_subscription_id,
)
from alerts.templating import STORED
from kernel.contracts import redis_key
from kernel.documents import DocumentHash

# Configuration, not cache: these keys have no TTL on purpose.
SUBSCRIPTIONS_KEY = redis_key("subscriptions")
VERSION_KEY = redis_key("subscriptions", "version")


class RedisSubscriptionStore:
    """Create, read, list, upsert and remove subscriptions."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.documents = DocumentHash(redis, SUBSCRIPTIONS_KEY, VERSION_KEY)

    async def add(self, data: dict[str, Any]) -> Subscription:
        """Validate ``data`` and store it under a new id; ``SubscriptionInvalid`` when wrong."""
        subscription = build_subscription(data)
        await self.put(subscription)
        return subscription

    async def put(self, subscription: Subscription) -> None:
        """Store ``subscription`` under its id, replacing any previous version."""
        await self.documents.put(subscription.id, subscription.model_dump_json())

    async def get(self, subscription_id: str) -> Subscription | None:
        """The subscription with ``subscription_id``, or ``None``."""
        raw = await self.documents.get(subscription_id)
        return _load(raw) if raw is not None else None

    async def all(self) -> list[Subscription]:
        """Every readable subscription, oldest first."""
        raws = await self.documents.values()
        subscriptions = [sub for sub in (_load(raw) for raw in raws) if sub is not None]
        return sorted(subscriptions, key=lambda sub: (sub.created_at, sub.id))

    async def remove(self, subscription_id: str) -> bool:
        """Delete a subscription; ``False`` when there was none."""
        return await self.documents.remove(subscription_id)

    async def version(self) -> int:
        """A number that changes whenever a subscription changes."""
        return await self.documents.version()

    async def upsert_declared(self, entries: list[dict[str, Any]]) -> list[Subscription]:
        """Store subscriptions declared in a file, each with the stable id of its name."""
        stored = []
        for subscription in parse_declared(entries):
            existing = await self.get(subscription.id)
            if existing is not None:
                subscription = subscription.model_copy(update={"created_at": existing.created_at})
            await self.put(subscription)
            stored.append(subscription)
        return stored


def parse_declared(entries: list[dict[str, Any]]) -> list[Subscription]:
    """Validate declared subscriptions (each needs a ``name``); one error lists every problem."""
    problems: list[str] = []
    subscriptions: list[Subscription] = []
    for index, entry in enumerate(entries):
        where = f"subscriptions[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping of fields")
            continue
        name = str(entry.get("name") or "").strip()
        if not name:
            problems.append(f"{where}: a declared subscription needs a name (its id comes from it)")
            continue
        try:
            subscriptions.append(
                build_subscription(entry, subscription_id=stable_subscription_id(name))
            )
        except SubscriptionInvalid as exc:
            problems += [f"{where} ({name}): {problem}" for problem in exc.problems]
    if problems:
        raise SubscriptionInvalid(problems)
    return subscriptions


def load_subscriptions_file(path: Any) -> list[dict[str, Any]]:
    """The ``subscriptions:`` list of a YAML file; ``SubscriptionInvalid`` when unreadable."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SubscriptionInvalid([f"{path}: {exc}"]) from exc
    entries = document.get("subscriptions") if isinstance(document, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise SubscriptionInvalid([f"{path}: `subscriptions` must be a list"])
    return entries


def _load(raw: bytes | str) -> Subscription | None:
    try:
        # Stored templates were checked when written; a render per load would only cost time.
        return Subscription.model_validate(json.loads(raw), context=STORED)
    except (ValueError, TypeError):
        return None
