"""The Palmyra fixture (a town that changes hands twice) and a pure run of dedup's decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.items import WireItem
from streams.dedup import (
    DedupPolicy,
    EventState,
    build_alert,
    decide,
    event_incidents,
    observation_key,
    source_of,
)
from streams.events import Alert, DetectedEvent
from streams.fingerprint import content_digest

FIXTURE = Path(__file__).parent.parent.parent / "data" / "reversal_palmyra.jsonl"


@dataclass(frozen=True)
class Report:
    """One item of the fixture, the capture it tells (``IS``, ``army``, ``None``) and its detection."""

    note: str
    capture: str | None
    set: str
    item: WireItem
    event: DetectedEvent


def load() -> tuple[dict[str, Any], list[Report]]:
    """The fixture's header and its reports, in event-time order."""
    lines = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    header, rows = lines[0]["header"], lines[1:]
    reports = []
    for row in rows:
        item = WireItem.from_dict(row["item"])
        (detection,) = row["events"]
        event = DetectedEvent.from_dict(
            {
                **detection,
                "id": f"{item.id}#0",
                "item_id": item.id,
                "lang": item.lang,
                "detected_at": row["item"]["fetched_at"],
            }
        )
        reports.append(Report(row["note"], row["capture"], row["set"], item, event))
    return header, reports


def moved(report: Report, geoname_id: int) -> Report:
    """The same report about a town with another GeoNames id (a fresh town on a shared Redis)."""
    assert report.event.place is not None
    place = replace(report.event.place, geoname_id=geoname_id)
    return replace(report, event=replace(report.event, place=place))


@dataclass
class PureDedup:
    """The store's decisions without Redis: every state in a dict, every alert kept."""

    policy: DedupPolicy = field(default_factory=DedupPolicy)
    states: dict[str, EventState] = field(default_factory=dict)
    last_event: dict[str, DetectedEvent] = field(default_factory=dict)
    emitted: list[Alert] = field(default_factory=list)

    def observe(self, report: Report) -> list[Alert]:
        """What ``RedisDedupStore.observe_all`` answers for one report."""
        item, event = report.item, report.event
        claim = "obs:" + observation_key(item, event, content_digest(item.text))
        decision = decide(
            self.states.values(),
            event,
            source_of(item),
            claim,
            self.policy,
            event_incidents(event, item.title),
        )
        alerts = []
        self.states[decision.state.alert_id] = decision.state
        if decision.reason:
            alerts.append(build_alert(decision.state, event, decision.reason))
            self.last_event[decision.state.alert_id] = event
        if decision.relinked is not None:
            following = decision.relinked
            self.states[following.alert_id] = following
            alerts.append(build_alert(following, self.last_event[following.alert_id], "reversal"))
        self.emitted += alerts
        return alerts

    def latest(self) -> dict[str, Alert]:
        """The last alert sent for each alert id."""
        return {alert.id: alert for alert in self.emitted}
