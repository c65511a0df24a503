"""`vigie up` against a farm of 200 feeds (some slow, failing, throttled): every new item reaches
`vigie.items` exactly once, and each new casualty report gives one alert at the webhook."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kernel.contracts import TOPIC_ITEMS
from tests.benches import load_bench

from .farm import INTERVAL_S, answering, assert_each_once, expected_ids, mixed_farm, publish_round
from .stack import WebhookSink, read_topic, start_stack, vigie_env, wait_until

pytestmark = pytest.mark.integration

#: New casualty reports, each of its own city, published beside the generic new items.
REPORTS = 4


def alerted(sink: WebhookSink, item_id: str) -> list[tuple[str, int]]:
    """(alert id, revision) of every alert the sink got that cites ``item_id``."""
    return [
        (alert["id"], alert["revision"])
        for alert in sink.alerts()
        if any(source["item_id"] == item_id for source in alert["sources"])
    ]


def test_every_new_item_of_200_feeds_arrives_once_through_up(
    redis_url: str, tmp_path: Path
) -> None:
    farm = mixed_farm().start()
    feeds_file = farm.write_feeds_file(tmp_path / "feeds.yaml", INTERVAL_S)
    data_dir = tmp_path / "data"
    with WebhookSink("farm-secret") as sink:
        subscriptions = tmp_path / "subscriptions.yaml"
        subscriptions.write_text(sink.subscriptions_yaml(), encoding="utf-8")
        env = vigie_env(
            data_dir,
            VIGIE_REDIS_URL=redis_url,
            VIGIE_SUBSCRIPTIONS_FILE=str(subscriptions),
            VIGIE_DIGEST_THRESHOLD="1000",
            VIGIE_LOG_LEVEL="WARNING",
        )
        stack = start_stack(
            data_dir,
            "--feeds",
            str(feeds_file),
            "--broker-storage",
            "memory",
            "--no-console",
            env=env,
        )
        try:
            texts = load_bench("chaos").casualty_items(REPORTS)
            bootstrap = stack.state()["kafka_bootstrap"]
            wait_until(lambda: farm.stats.requests >= len(farm.feeds), 40)
            publish_round(farm, 0)
            english = [feed for feed in answering(farm) if feed.lang == "en"]
            reports = [
                farm.publish(feed.index, text["title"], text["summary"])
                for feed, text in zip(english[-REPORTS:], texts, strict=True)
            ]
            time.sleep(INTERVAL_S)
            publish_round(farm, 1)
            expected = expected_ids(farm)
            wait_until(
                lambda: expected <= {r["id"] for r in read_topic(bootstrap, TOPIC_ITEMS, 500)}, 30
            )
            wait_until(lambda: all(alerted(sink, report.item_id) for report in reports), 40)
            # Two more rounds of polls (all 304) and room for a second alert, were there one.
            time.sleep(2 * INTERVAL_S)
            produced = [r["id"] for r in read_topic(bootstrap, TOPIC_ITEMS)]
        finally:
            code, _, errors = stack.stop()
            farm.stop()
        assert code == 0, errors[-3000:]
        assert_each_once(produced, expected)
        for report in reports:
            assert len(alerted(sink, report.item_id)) == 1, report.title
