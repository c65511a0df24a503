"""When each feed is polled: one heap of due times for every feed, jittered so polls never come
in waves, backed off after failures, and pushed later when a server asks (``Retry-After``,
``Cache-Control: max-age``). Pure timing, plus the loop that starts polls when they are due."""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ingest import metrics
from ingest.feeds import FeedSpec

log = logging.getLogger("ingest.poller")

MAX_BACKOFF_S = 3600.0
#: Each next poll is the interval give or take this share, so feeds drift apart, never together.
JITTER = 0.05
#: How fast the first polls of a large feed list go out: spread over the interval, or less.
FIRST_POLLS_PER_S = 100.0


def backoff_delay(interval_s: float, failures: int) -> float:
    """Delay before the next poll after ``failures`` failures in a row, with jitter."""
    if failures <= 0:
        return interval_s
    delay = min(interval_s * (2 ** min(failures, 12)), MAX_BACKOFF_S)
    return max(interval_s, delay * random.uniform(0.8, 1.2))


def next_delay(
    interval_s: float,
    failures: int,
    *,
    retry_after_s: float | None = None,
    max_age_s: float | None = None,
    first: bool = False,
) -> float:
    """Seconds until a feed's next poll: interval jittered, backoff, or what the server asked.

    After a feed's ``first`` poll the next one comes anywhere within the interval: the first
    polls go out quickly, and from the second round on the feeds are spread over the whole
    interval instead of repeating the start's burst every interval.
    A server's ``Retry-After`` or ``max-age`` only ever pushes the poll later, never sooner
    than the interval, and never past ``MAX_BACKOFF_S`` (a hostile header cannot park a feed).
    """
    if failures > 0:
        delay = backoff_delay(interval_s, failures)
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, MAX_BACKOFF_S))
        return delay
    if first:
        delay = interval_s * random.random()
    else:
        delay = interval_s * random.uniform(1 - JITTER, 1 + JITTER)
    if max_age_s is not None and max_age_s > delay:
        delay = min(max_age_s, MAX_BACKOFF_S)
    return delay


def first_delay(interval_s: float, feeds: int) -> float:
    """When a feed's first poll goes out: anywhere in the spread of ``feeds`` first polls."""
    return random.uniform(0, min(interval_s, feeds / FIRST_POLLS_PER_S))


@dataclass
class FeedState:
    """What the scheduler keeps between a feed's polls."""

    feed: FeedSpec
    failures: int = 0
    #: Loop time the next poll is due.
    due: float = 0.0
    polls: int = 0
    #: Removed or paused since it was scheduled: its heap entry is dropped when it comes up.
    dropped: bool = False


#: At most this long between two reads of the feed list (``refresh``), whatever the interval.
REFRESH_EVERY_S = 30.0


def refresh_period(interval_s: float) -> float:
    """How often the scheduler re-reads its feed list: each poll interval, at most 30 s."""
    return min(interval_s, REFRESH_EVERY_S)


async def run_schedule(
    states: list[FeedState],
    poll: Callable[[FeedState], Awaitable[float]],
    stop: asyncio.Event,
    *,
    max_in_flight: int,
    refresh: Callable[[], Awaitable[list[FeedSpec] | None]] | None = None,
    refresh_every_s: float = REFRESH_EVERY_S,
) -> None:
    """Start ``poll(state)`` for each feed when it is due, at most ``max_in_flight`` at once,
    until ``stop`` is set; ``poll`` answers the delay to the feed's next poll. The polls begun
    are finished before this returns.

    With ``refresh``, the feed list is asked for every ``refresh_every_s`` (``None``: it did
    not change); a new feed joins
    the heap, a feed gone from the list is dropped (a poll of it in flight finishes), and a
    feed whose spec changed is polled with the new one from its next poll on."""
    loop = asyncio.get_running_loop()
    now = loop.time()
    due: list[tuple[float, int]] = []
    for index, state in enumerate(states):
        state.due = now + first_delay(state.feed.interval_s, len(states))
        due.append((state.due, index))
    heapq.heapify(due)
    by_name = {state.feed.name: index for index, state in enumerate(states)}
    next_refresh = now + refresh_every_s

    async def reread() -> None:
        assert refresh is not None
        try:
            feeds = await refresh()
        except Exception:  # Redis away: keep polling the feeds known, try again later
            log.exception("cannot read the feed list; polling the feeds already known")
            return
        if feeds is None:
            return
        wanted = {feed.name: feed for feed in feeds}
        for name in list(by_name):
            if name not in wanted:
                states[by_name.pop(name)].dropped = True
                log.info("feed %s: removed or paused, no more polls", name)
        at = loop.time()
        for name, feed in wanted.items():
            index = by_name.get(name)
            if index is not None:
                states[index].feed = feed
                continue
            state = FeedState(feed, due=at + first_delay(feed.interval_s, 1))
            states.append(state)
            by_name[name] = len(states) - 1
            heapq.heappush(due, (state.due, by_name[name]))
            log.info("feed %s: added, first poll within %.0fs", name, state.due - at)

    slots = asyncio.Semaphore(max_in_flight)
    running: set[asyncio.Task[None]] = set()

    async def one(index: int) -> None:
        state = states[index]
        try:
            metrics.POLL_LAG.observe(max(0.0, loop.time() - state.due))
            delay = await poll(state)
        except Exception:  # bookkeeping failed (Redis down): try again at the interval
            log.exception("feed %s: cannot record its poll", state.feed.name)
            delay = next_delay(state.feed.interval_s, state.failures)
        finally:
            slots.release()
        state.due = loop.time() + delay
        if not state.dropped:
            heapq.heappush(due, (state.due, index))

    while not stop.is_set():
        if refresh is not None and loop.time() >= next_refresh:
            await reread()
            next_refresh = loop.time() + refresh_every_s
        wait = due[0][0] - loop.time() if due else 1.0
        if wait > 0:
            # Short naps so a stop is seen within a second even between sparse polls.
            await asyncio.sleep(min(wait, 1.0))
            continue
        _, index = heapq.heappop(due)
        if states[index].dropped:
            continue
        await slots.acquire()
        task = asyncio.create_task(one(index))
        running.add(task)
        task.add_done_callback(running.discard)
    if running:
        await asyncio.gather(*running, return_exceptions=True)
