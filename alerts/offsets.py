"""Which Kafka offsets may be committed: the highest contiguous handled offset per partition. Pure."""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

Partition = TypeVar("Partition")


class OffsetTracker(Generic[Partition]):
    """Tracks records in flight per partition; a slow record holds back only its own partition."""

    def __init__(self) -> None:
        self._pending: dict[Partition, deque[int]] = {}
        self._done: dict[Partition, set[int]] = {}
        self._commit: dict[Partition, int] = {}

    def started(self, partition: Partition, offset: int) -> None:
        """A record was read and handed to a task (offsets arrive in order per partition)."""
        self._pending.setdefault(partition, deque()).append(offset)
        self._done.setdefault(partition, set())

    def finished(self, partition: Partition, offset: int) -> None:
        """A record is fully handled; ignored when its partition was revoked meanwhile."""
        pending = self._pending.get(partition)
        if pending is None:
            return
        done = self._done[partition]
        done.add(offset)
        while pending and pending[0] in done:
            first = pending.popleft()
            done.discard(first)
            self._commit[partition] = first + 1

    def committable(self) -> dict[Partition, int]:
        """Next offsets to commit (last handled + 1) that changed since the previous call."""
        ready, self._commit = self._commit, {}
        return ready

    def restore(self, offsets: dict[Partition, int]) -> None:
        """Put back offsets whose commit failed, unless a later one is already waiting."""
        for partition, offset in offsets.items():
            if self._commit.get(partition, -1) < offset:
                self._commit[partition] = offset

    def forget(self, partitions: list[Partition]) -> None:
        """Drop the state of revoked partitions."""
        for partition in partitions:
            self._pending.pop(partition, None)
            self._done.pop(partition, None)
            self._commit.pop(partition, None)

    @property
    def in_flight(self) -> int:
        """Records read but not yet handled, over every partition."""
        return sum(len(pending) for pending in self._pending.values())
