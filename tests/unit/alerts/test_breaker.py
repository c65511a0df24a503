"""The circuit breaker of a delivery target, driven by a hand-moved clock."""

from __future__ import annotations

import random

import pytest

from alerts.breaker import RETRY_AFTER_MAX_S, CircuitBreaker, CircuitState


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def breaker(clock: Clock, threshold: int = 3) -> CircuitBreaker:
    return CircuitBreaker(
        threshold=threshold, base_s=1.0, max_s=60.0, clock=clock, rng=random.Random(7)
    )


def test_closed_lets_every_attempt_through(clock: Clock) -> None:
    subject = breaker(clock)
    assert subject.state is CircuitState.CLOSED
    assert all(subject.acquire() for _ in range(5))


def test_failures_back_off_then_open_after_the_threshold(clock: Clock) -> None:
    subject = breaker(clock, threshold=3)
    retry_at = subject.record_failure("HTTP 500")
    # Below the threshold: still closed, but nothing is tried before the backoff ends.
    assert subject.state is CircuitState.CLOSED and not subject.acquire()
    clock.now = retry_at
    assert subject.acquire()
    subject.record_failure("HTTP 500")
    retry_at = subject.record_failure("HTTP 503")
    assert subject.state is CircuitState.OPEN and not subject.acquire()
    assert subject.last_error == "HTTP 503"
    clock.now = retry_at - 0.001
    assert subject.state is CircuitState.OPEN


def test_half_open_gives_exactly_one_probe(clock: Clock) -> None:
    subject = breaker(clock, threshold=1)
    clock.now = subject.record_failure("timeout")
    assert subject.state is CircuitState.HALF_OPEN
    assert subject.acquire()
    assert not subject.acquire()  # the probe is in flight: nobody else
    assert subject.state is CircuitState.HALF_OPEN


def test_a_successful_probe_closes(clock: Clock) -> None:
    subject = breaker(clock, threshold=1)
    clock.now = subject.record_failure("timeout")
    assert subject.acquire()
    subject.record_success()
    assert subject.state is CircuitState.CLOSED and subject.failures == 0
    assert subject.acquire() and subject.acquire()


def test_a_failed_probe_opens_again_for_longer(clock: Clock) -> None:
    subject = breaker(clock, threshold=1)
    delays = []
    for _ in range(8):
        before = clock.now
        retry_at = subject.record_failure("refused")
        delays.append(retry_at - before)
        assert subject.state is CircuitState.OPEN
        clock.now = retry_at
        assert subject.state is CircuitState.HALF_OPEN and subject.acquire()
    # Equal jitter: each step is at least half its ceiling, and the ceiling doubles up to max_s.
    assert delays[0] <= 1.0 and delays[-1] >= 30.0
    assert all(delay <= 60.0 for delay in delays)


def test_retry_after_is_honoured_beyond_the_backoff_cap(clock: Clock) -> None:
    subject = breaker(clock, threshold=1)
    assert subject.record_failure("429", retry_after_s=900.0) == clock.now + 900.0
    assert subject.record_failure("429", retry_after_s=10 * RETRY_AFTER_MAX_S) == (
        clock.now + RETRY_AFTER_MAX_S
    )


def test_state_round_trips_but_a_probe_in_flight_does_not(clock: Clock) -> None:
    subject = breaker(clock, threshold=2)
    subject.record_failure("a")
    clock.now = subject.record_failure("b")
    assert subject.acquire()
    restored = breaker(clock, threshold=2).restore(subject.to_dict())
    assert (restored.failures, restored.retry_at, restored.last_error) == (
        2,
        subject.retry_at,
        "b",
    )
    # A worker that died mid-probe left no probe behind: the next one may probe.
    assert restored.state is CircuitState.HALF_OPEN and restored.acquire()
    assert breaker(clock).restore(None).state is CircuitState.CLOSED
