"""What the feed-farm tests share: a farm of 200 feeds with bad ones among them, and new items
published in two rounds while Vigie polls it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from vigie.embedded.feedfarm import HEALTHY, SLOW, FarmFeed, FeedFarm

#: Poll interval written in the feeds file: short, so a test sees several rounds of polls.
INTERVAL_S = 2.0
#: New items per round, one per feed, in the first feeds that answer.
ROUNDS = (60, 20)


def mixed_farm(feeds: int = 200) -> FeedFarm:
    """A farm over 4 hosts where a few feeds are slow, failing or throttled."""
    return FeedFarm(
        feeds, hosts=4, slow_share=0.03, failing_share=0.03, throttled_share=0.03, slow_s=0.5
    )


def answering(farm: FeedFarm) -> list[FarmFeed]:
    """The feeds that answer with their items (healthy or slow)."""
    return [feed for feed in farm.feeds if feed.behaviour in (HEALTHY, SLOW)]


def publish_round(farm: FeedFarm, round_number: int) -> None:
    """One new item in each of the first ``ROUNDS[round_number]`` answering feeds."""
    for feed in answering(farm)[: ROUNDS[round_number]]:
        farm.publish(feed.index)


def expected_ids(farm: FeedFarm) -> set[str]:
    """Item ids of everything the answering feeds hold: what must reach ``vigie.items``."""
    return {item.item_id for feed in answering(farm) for item in feed.items}


def assert_each_once(produced_ids: Iterable[str], expected: set[str]) -> None:
    """Every expected item was produced, exactly once, and nothing else."""
    produced = Counter(produced_ids)
    assert set(produced) == expected  # nothing from the failing or throttled feeds
    duplicated = {item_id: count for item_id, count in produced.items() if count > 1}
    assert not duplicated
