"""The backfill flag is an optional field of the item and alert contracts: absent when false."""

from __future__ import annotations

from dataclasses import replace

from alerts.testing import sample_alert
from ingest.items import WireItem
from streams.events import Alert


def test_alert_backfill_round_trips_and_is_absent_when_false() -> None:
    alert = sample_alert("a1")
    assert "backfill" not in alert.to_dict()
    assert Alert.from_dict(alert.to_dict()).backfill is False
    marked = replace(alert, backfill=True)
    assert marked.to_dict()["backfill"] is True
    assert Alert.from_dict(marked.to_dict()) == marked


def test_item_backfill_round_trips_and_is_absent_when_false() -> None:
    item = WireItem(id="i1", source="desk", title="Storm on the coast")
    assert "backfill" not in item.to_dict()
    marked = replace(item, backfill=True)
    assert WireItem.from_dict(marked.to_dict()) == marked
    # Only a real true opts in: a string from a hand-written line does not.
    assert WireItem.from_dict({**item.to_dict(), "backfill": "yes"}).backfill is False


def test_the_console_line_says_backfill_only_for_backfilled_alerts() -> None:
    from alerts.render import console_record

    alert = sample_alert("a1")
    assert "backfill" not in console_record(alert)
    assert console_record(replace(alert, backfill=True))["backfill"] is True
