"""End to end on real parts: local feed server -> poller -> broker -> Faust worker -> Redis ->
alert worker -> local webhook receiver (and history writer -> SQLite), with `vigie up --demo`.
Exactly one alert per real event, none for the negatives, each kept in the history."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.history.store import HistoryQuery, HistoryStore
from ingest.items import stable_item_id
from tests.integration.stack import WebhookSink, start_stack, vigie_env, wait_until
from vigie.embedded.demo import demo_dir

pytestmark = pytest.mark.integration
SECRET = "end-to-end-secret"


@pytest.fixture
def receiver() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as sink:
        yield sink


def expected_demo() -> dict[str, Any]:
    return yaml.safe_load((demo_dir() / "expected.yaml").read_text(encoding="utf-8"))


def event_key(alert: dict[str, Any]) -> tuple[str, str, str]:
    place = alert["event"].get("place") or {}
    return alert["kind"], place.get("country", ""), place.get("canonical", "")


def test_demo_stack_alerts_each_event_once(tmp_path: Path, receiver: WebhookSink) -> None:
    expected = expected_demo()
    wanted = sorted((e["kind"], e["country"], e["place"]) for e in expected["events"])
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(
        yaml.safe_dump(
            {
                "subscriptions": [
                    {"name": "e2e", "channel": "webhook+" + receiver.url, "secret": SECRET}
                ]
            }
        ),
        encoding="utf-8",
    )
    env = vigie_env(
        tmp_path / "data",
        VIGIE_SUBSCRIPTIONS_FILE=str(subscriptions),
        VIGIE_DIGEST_THRESHOLD="1000",
    )
    stack = start_stack(tmp_path / "data", "--demo", "--run-for", "150", env=env)
    try:
        wait_until(
            lambda: sorted({event_key(a) for a in receiver.alerts()}) == wanted, 120, interval=1
        )
        time.sleep(8)  # room for a duplicate to show up, were there one
        alerts = receiver.alerts()
    finally:
        code, out, err = stack.stop()
    assert code == 0, err[-3000:]

    first = [alert for alert in alerts if alert["revision"] == 0]
    assert sorted(event_key(alert) for alert in first) == wanted
    assert len({alert["id"] for alert in alerts}) == len(wanted)

    negatives = {stable_item_id(guid, None) for guid in expected["negatives"]}
    reported = {source["item_id"] for alert in alerts for source in alert["sources"]}
    assert not reported & negatives

    console = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert sorted({event_key_console(line) for line in console}) == sorted(
        {(k, c) for k, c, _ in wanted}
    )
    assert all(
        {"kind", "place", "casualties", "sources", "headline"} <= set(line) for line in console
    )

    # The history writer kept every alert the subscription got, at its latest revision.
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'data' / 'history.db'}")
    kept = {alert["id"]: alert["revision"] for alert in store.iterate(HistoryQuery(limit=500))}
    store.close()
    latest: dict[str, int] = {}
    for alert in alerts:
        latest[alert["id"]] = max(alert["revision"], latest.get(alert["id"], 0))
    assert kept == latest


def event_key_console(line: dict[str, Any]) -> tuple[str, str]:
    return line["kind"], line.get("country", "")
