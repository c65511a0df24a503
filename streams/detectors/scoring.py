"""Scoring detections against labelled expectations: the arithmetic shared by tests and bench."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.items import WireItem
from streams.detectors.gazetteer import fold
from streams.events import KINDS, DetectedEvent


@dataclass(slots=True)
class Tally:
    """Counts for one kind (or one slice of the data)."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        """Share of detections that were expected."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of expected events that were detected."""
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(slots=True)
class Report:
    """Scores of a labelled set: per kind, plus field accuracies over matched events."""

    kinds: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    killed: list[bool] = field(default_factory=list)
    places: list[bool] = field(default_factory=list)
    statuses: list[bool] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)

    @staticmethod
    def share(values: list[bool]) -> float:
        """The share of true values (1.0 for none)."""
        return sum(values) / len(values) if values else 1.0


def labelled_item(record: Mapping[str, Any], source: str = "labelled") -> WireItem:
    """The wire item a labelled record (``id``, ``title``, ``summary``, ``lang``) describes."""
    return WireItem(
        id=str(record["id"]),
        source=source,
        title=str(record["title"]),
        summary=str(record.get("summary", "")),
        lang=str(record["lang"]),
    )


def place_matches(expected: str, event: DetectedEvent) -> bool:
    """Whether a detected place is the expected one (canonical or written name, accent-free)."""
    if event.place is None:
        return False
    wanted = fold(expected)
    return any(
        wanted and (wanted == fold(name) or wanted in fold(name))
        for name in (event.place.canonical, event.place.name)
    )


def score_item(
    report: Report, item_id: str, expected: Iterable[Mapping[str, Any]], events: list[DetectedEvent]
) -> None:
    """Add one item's expectations and detections to ``report``."""
    pending = list(events)
    for wanted in expected:
        kind = str(wanted["kind"])
        candidates = [event for event in pending if event.kind == kind]
        place = wanted.get("place")
        chosen = next(
            (event for event in candidates if place and place_matches(place, event)), None
        )
        chosen = chosen or (candidates[0] if candidates else None)
        if chosen is None:
            report.kinds[kind].false_negatives += 1
            report.mistakes.append(f"{item_id}: missed {kind} {place or ''}")
            continue
        pending.remove(chosen)
        report.kinds[kind].true_positives += 1
        if place:
            report.places.append(place_matches(place, chosen))
            if not report.places[-1]:
                got = chosen.place.canonical if chosen.place else None
                report.mistakes.append(f"{item_id}: place {got!r}, expected {place!r}")
        if "killed" in wanted:
            got_killed = chosen.casualties.killed if chosen.casualties else None
            report.killed.append(got_killed == wanted["killed"])
            if not report.killed[-1]:
                report.mistakes.append(
                    f"{item_id}: killed {got_killed}, expected {wanted['killed']}"
                )
        if "status" in wanted:
            report.statuses.append(chosen.status == wanted["status"])
            if not report.statuses[-1]:
                report.mistakes.append(
                    f"{item_id}: status {chosen.status}, expected {wanted['status']}"
                )
    for event in pending:
        report.kinds[event.kind].false_positives += 1
        where = event.place.canonical if event.place else ""
        report.mistakes.append(f"{item_id}: unexpected {event.kind} {where}: {event.evidence[:80]}")
