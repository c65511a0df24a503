"""The near-duplicate rule, where it runs: the measured pairs through the dedup store on the real
Redis. A copy of an item is skipped; an update (a new number) and another story (a title naming
somewhere else) are not."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from ingest.items import WireItem
from streams.dedup import DedupPolicy
from streams.store import NEAR_DUPLICATE, RedisDedupStore

pytestmark = pytest.mark.integration

PAIRS_FILE = Path(__file__).parents[1] / "data" / "near_duplicate_pairs.jsonl"
PAIRS = [json.loads(line) for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[RedisDedupStore]:
    client = aioredis.from_url(redis_url)
    yield RedisDedupStore(client, DedupPolicy())
    await client.aclose()


def _item(item_id: str, text: str) -> WireItem:
    title, _, summary = text.partition("\n")
    return WireItem(id=item_id, source="wire", title=title, summary=summary)


async def _second_is_copy(store: RedisDedupStore, first: str, second: str, tag: str) -> bool:
    assert await store.check_item(_item(f"{tag}-a", first)) == "new"
    verdict, original = await store.check_item_detail(_item(f"{tag}-b", second))
    if verdict == NEAR_DUPLICATE:
        assert original == f"{tag}-a"
    return verdict == NEAR_DUPLICATE


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p['label']}: {p['edit']}" for p in PAIRS])
async def test_measured_pairs(store: RedisDedupStore, pair: dict[str, str]) -> None:
    copy = await _second_is_copy(store, pair["a"], pair["b"], "pair")
    assert copy is (pair["label"] == "copy")


async def test_templated_dispatches_about_other_cities_are_not_copies(
    store: RedisDedupStore,
) -> None:
    template = (
        "At least {n} killed in bombing in {city}\n"
        "A car bomb killed at least {n} people in {city} on Monday, police said."
    )
    shanghai = template.format(n=12, city="Shanghai")
    assert not await _second_is_copy(
        store, shanghai, template.format(n=12, city="Kinshasa"), "other"
    )
    # The same dispatch again under another id is a copy of the first one stored.
    verdict, original = await store.check_item_detail(_item("again", shanghai))
    assert (verdict, original) == (NEAR_DUPLICATE, "other-a")
