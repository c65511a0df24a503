"""The stream worker's batches: what has arrived is taken together, in order, up to a limit;
an item that cannot be settled is skipped alone, never with the rest of its batch."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
import redis
from prometheus_client import CollectorRegistry, Counter

from ingest.items import WireItem
from kernel.ops import CachedLabels
from streams import app, metrics
from streams.processor import Outcome


async def test_takes_what_has_arrived_in_order_up_to_the_limit() -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(7):
        queue.put_nowait(number)
    assert await app.take_ready(queue, 5) == [0, 1, 2, 3, 4]
    assert await app.take_ready(queue, 5) == [5, 6]


async def test_waits_for_the_first_record_and_does_not_wait_for_more() -> None:
    queue: asyncio.Queue[str] = asyncio.Queue()
    taken = asyncio.ensure_future(app.take_ready(queue, 100))
    await asyncio.sleep(0.01)
    assert not taken.done()
    queue.put_nowait("only")
    assert await asyncio.wait_for(taken, 1) == ["only"]


def _detected(name: str) -> Outcome:
    item = WireItem(id=name, source="test", title=f"Report {name}", summary="")
    return Outcome(item=item, events=[object()])  # type: ignore[list-item]


class _Processor:
    """Settles records; raises on the one named ``poison``; fails Redis ``outages`` times first."""

    def __init__(self, outages: int = 0) -> None:
        self.outages = outages
        self.calls: list[list[str]] = []

    async def settle(self, detected: list[Outcome]) -> list[Outcome]:
        names = [outcome.item.id for outcome in detected if outcome.item is not None]
        self.calls.append(names)
        if self.outages:
            self.outages -= 1
            raise redis.ConnectionError("connection refused")
        if "poison" in names:
            raise ValueError("cannot settle")
        return [replace(outcome, verdict="settled") for outcome in detected]


async def test_a_redis_outage_holds_the_whole_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "RETRY_FIRST_S", 0.001)
    processor = _Processor(outages=2)
    batch = [_detected("a"), _detected("b")]
    outcomes = await app.settle_safely(processor, batch)  # type: ignore[arg-type]
    assert [outcome.verdict for outcome in outcomes] == ["settled", "settled"]
    assert processor.calls == [["a", "b"]] * 3


async def test_an_item_that_cannot_be_settled_is_skipped_alone() -> None:
    processor = _Processor()
    rejected = metrics.ITEMS_REJECTED.labels("processing_error")
    before = rejected._value.get()
    batch = [_detected("a"), _detected("poison"), _detected("c")]
    outcomes = await app.settle_safely(processor, batch)  # type: ignore[arg-type]
    assert [(o.item.id if o.item else None, o.verdict) for o in outcomes] == [
        ("a", "settled"),
        ("poison", "processing_error"),
        ("c", "settled"),
    ]
    assert outcomes[1].events == [] and outcomes[1].alerts == []
    assert rejected._value.get() == before + 1
    assert processor.calls == [["a", "poison", "c"], ["a"], ["poison"], ["c"]]


def test_cached_labels_give_the_metric_s_own_children() -> None:
    counter = Counter("batch_test_total", "test", ["lang"], registry=CollectorRegistry())
    cached: Any = CachedLabels(counter)
    assert cached.labels("fr") is cached.labels("fr")
    assert cached.labels(lang="en") is cached.labels(lang="en")
    cached.labels("fr").inc()
    cached.labels("fr").inc()
    assert counter.labels("fr")._value.get() == 2
    assert cached._name == counter._name  # everything else is the wrapped metric's
