"""Backlog entries and target names: what a queued delivery keeps, and what key names reveal."""

from __future__ import annotations

from alerts.backlog import BacklogEntry, lock_key, queue_key, target_id
from alerts.testing import sample_alert


def test_an_entry_round_trips_and_counts_its_failures() -> None:
    entry = BacklogEntry(
        id="d-1",
        subscription_id="sub",
        alerts=(sample_alert("a1"), sample_alert("a2", revision=1)),
        keys=("k1", "k2"),
        queued_at=1234.5,
        produced_at=1200.0,
    )
    again = BacklogEntry.from_json(entry.to_json())
    assert again == entry and again.raw == entry.to_json()
    failed = again.failed("HTTP 503").failed("timed out")
    assert (failed.attempts, failed.last_error, failed.queued_at) == (2, "timed out", 1234.5)
    assert [alert.id for alert in failed.alerts] == ["a1", "a2"]


def test_target_names_are_stable_and_hide_the_url() -> None:
    url = "webhook+https://hooks.example.org/T0KEN/secret?sig=abc"
    name = target_id(url)
    assert name == target_id(url) and name != target_id(url + "x")
    for key in (queue_key(name), lock_key(name)):
        assert key.startswith("vigie:v1:retry:") and "T0KEN" not in key and "example" not in key
