"""Feeds changed while polling: field-named validation, and the scheduler re-reading its list."""

from __future__ import annotations

import asyncio

import pytest

from ingest.feeds import FeedFieldError, FeedSpec, build_feed
from ingest.schedule import FeedState, refresh_period, run_schedule


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "url": "https://a.example/rss"}, "name"),
        ({"name": "bad name", "url": "https://a.example/rss"}, "name"),
        ({"name": "afp", "url": "ftp://a.example/rss"}, "url"),
        ({"name": "afp", "url": "https://a.example/rss", "lang": "xx"}, "lang"),
        ({"name": "afp", "url": "https://a.example/rss", "interval": "soon"}, "interval"),
        ({"name": "afp", "url": "https://a.example/rss", "interval": 0.1}, "interval"),
        ({"name": "afp", "url": "https://a.example/rss", "format": "telex"}, "format"),
        ({"name": "afp", "url": "https://a.example/rss", "colour": "red"}, ""),
    ],
)
def test_a_wrong_feed_names_its_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(FeedFieldError) as caught:
        build_feed(data)
    assert caught.value.field == field


def test_a_form_s_empty_fields_take_the_defaults() -> None:
    feed = build_feed(
        {"name": "afp", "url": "https://a.example/rss", "lang": "", "interval": ""}, 60
    )
    assert (feed.lang, feed.interval_s, feed.format) == (None, 60.0, "rss")
    assert build_feed(feed.to_dict()) == feed


def test_the_list_is_reread_each_interval_or_every_30_s_at_most() -> None:
    assert refresh_period(5.0) == 5.0
    assert refresh_period(300.0) == 30.0


async def test_added_feeds_are_polled_and_removed_ones_no_longer() -> None:
    first, second = (FeedSpec(name, f"https://{name}.example/rss", interval_s=1.0) for name in "ab")
    listed = [first]
    polled: list[str] = []
    stop = asyncio.Event()

    async def poll(state: FeedState) -> float:
        polled.append(state.feed.name)
        return 0.05

    async def refresh() -> list[FeedSpec]:
        return list(listed)

    task = asyncio.create_task(
        run_schedule(
            [FeedState(first)], poll, stop, max_in_flight=4, refresh=refresh, refresh_every_s=0.05
        )
    )
    await asyncio.sleep(1.2)
    assert polled and set(polled) == {"a"}
    listed[:] = [second]
    await asyncio.sleep(1.3)
    polls_of_a = polled.count("a")
    await asyncio.sleep(0.3)
    stop.set()
    await task
    assert "b" in polled
    assert polled.count("a") == polls_of_a


async def test_a_fixed_list_without_refresh_keeps_its_feeds() -> None:
    feed = FeedSpec("a", "https://a.example/rss", interval_s=1.0)
    polled: list[str] = []
    stop = asyncio.Event()

    async def poll(state: FeedState) -> float:
        polled.append(state.feed.name)
        stop.set()
        return 1.0

    await asyncio.wait_for(run_schedule([FeedState(feed)], poll, stop, max_in_flight=1), 5)
    assert polled == ["a"]
