"""Operator endpoints on the real broker and Redis: /metrics, health, consumer lag, the web
process and `vigie status --json`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata
from prometheus_client import REGISTRY

from kernel.contracts import ALERTS_GROUP_ID, STREAMS_APP_ID, TOPIC_ALERTS, TOPIC_ITEMS
from kernel.ops import ConsumerLagProbe, ConsumerLagReporter, install_faust_sensor, serve_ops
from kernel.stats import (
    FEEDS_KEY,
    RECENT_ALERTS,
    RECENT_DEAD,
    STAT_ALERTS,
    STAT_ITEMS,
    bump,
    feed_key,
    push_recent,
)
from vigie.cli import main
from vigie.web.app import (
    STATIC_DIR,
    WebConfig,
    WebConfigError,
    create_app,
    exposure_problem,
    serve_web,
)

pytestmark = pytest.mark.integration


def produce(bootstrap: str, topic: str, per_partition: dict[int, int]) -> None:
    """Write records one batch each, so every broker counts them the same way."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, batch_size=1)
    for partition, count in per_partition.items():
        for index in range(count):
            producer.send(topic, value=b"{}", key=str(index).encode(), partition=partition)
            producer.flush()
    producer.close()


def commit(bootstrap: str, group: str, topic: str, offsets: dict[int, int]) -> None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    partitions = {p: TopicPartition(topic, p) for p in offsets}
    consumer.assign(list(partitions.values()))
    consumer.commit({partitions[p]: OffsetAndMetadata(o, "", -1) for p, o in offsets.items()})
    consumer.close()


async def seed(redis_url: str) -> None:
    """What the poller, the stream worker and the alert worker leave in Redis."""
    client = aioredis.Redis.from_url(redis_url)
    await client.sadd(FEEDS_KEY, "fil-monde-fr")
    await client.hset(
        feed_key("fil-monde-fr"),
        mapping={
            "name": "fil-monde-fr",
            "url": "http://127.0.0.1:1/fil.xml",
            "lang": "fr",
            "last_poll_at": "1800000000",
            "last_success_at": "1800000000",
            "http_status": "200",
            "items_total": "13",
            "next_poll_at": "1800000030",
            "interval_s": "30",
            "last_error": "",
        },
    )
    await bump(client, STAT_ITEMS, 13)
    await bump(client, STAT_ALERTS, 1)
    await push_recent(
        client,
        RECENT_ALERTS,
        {
            "id": "a1",
            "revision": 0,
            "kind": "city_capture",
            "event": {
                "status": "claimed",
                "place": {"name": "Tombouctou", "canonical": "Timbuktu", "country": "ML"},
            },
            "sources": [{"source": "fil-monde-fr", "lang": "fr"}],
            "headline": {
                "fr": "Tombouctou (ML) : prise de la ville",
                "en": "Timbuktu (ML): city captured",
            },
        },
    )
    await push_recent(client, RECENT_DEAD, {"id": "d1", "channel": "webhook", "reason": "HTTP 500"})
    await client.aclose()


def sample(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_serve_ops_answers_metrics_health_and_readiness() -> None:
    ready = {"now": False}
    async with (
        serve_ops(0, process="test", ready=lambda: ready["now"], host="127.0.0.1") as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200
        assert metrics.headers["content-type"].startswith("text/plain")
        assert "vigie_consumer_lag" in metrics.text
        assert (await client.get("/healthz")).json() == {"status": "ok", "process": "test"}
        assert (await client.get("/readyz")).status_code == 503
        ready["now"] = True
        assert (await client.get("/readyz")).json() == {"ready": True, "process": "test"}


async def test_lag_is_end_offset_minus_committed_per_partition(kafka_bootstrap: str) -> None:
    produce(kafka_bootstrap, TOPIC_ITEMS, {0: 5, 1: 3})
    commit(kafka_bootstrap, STREAMS_APP_ID, TOPIC_ITEMS, {0: 2})
    produce(kafka_bootstrap, TOPIC_ALERTS, {2: 4})
    reporter = ConsumerLagReporter(kafka_bootstrap)
    try:
        reading = await reporter.measure_once()
    finally:
        reporter.close()
    assert reading.error is None and reading.measured_at is not None
    lags = {(entry.group, entry.partition): entry.lag for entry in reading.partitions}
    assert lags[(STREAMS_APP_ID, 0)] == 3
    assert lags[(STREAMS_APP_ID, 1)] == 3  # never committed: everything is still to read
    assert lags[(STREAMS_APP_ID, 2)] == 0
    assert lags[(ALERTS_GROUP_ID, 2)] == 4
    assert sample("vigie_consumer_lag", group=STREAMS_APP_ID, topic=TOPIC_ITEMS, partition="0") == 3
    assert sample("vigie_topic_end_offset", topic=TOPIC_ALERTS, partition="2") == 4


async def test_lag_reading_failure_is_counted_and_kept() -> None:
    before = sample("vigie_consumer_lag_probe_errors_total") or 0
    nowhere = "127.0.0.1:1"
    reporter = ConsumerLagReporter(nowhere, probe=ConsumerLagProbe(nowhere, request_timeout_ms=500))
    try:
        reading = await reporter.measure_once()
    finally:
        reporter.close()
    assert reading.error and reading.partitions == ()
    assert sample("vigie_consumer_lag_probe_errors_total") == before + 1


def test_faust_sensor_writes_to_the_default_registry_and_installs_twice() -> None:
    import faust

    apps = [faust.App(f"vigie-test-{index}", web_enabled=False) for index in range(2)]
    for app in apps:
        install_faust_sensor(app)  # a second app in one process must not clash in the registry
    for app in apps:
        before = sample("vigie_faust_messages_received_total") or 0
        message = SimpleNamespace(time_in=None)
        app.monitor.on_message_in(TopicPartition(TOPIC_ITEMS, 0), 7, message)  # type: ignore[arg-type]
        assert sample("vigie_faust_messages_received_total") == before + 1


@pytest.fixture
async def web(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    await seed(redis_url)
    client = aioredis.Redis.from_url(redis_url)
    app = create_app(client, urls=lambda: {"status": "http://127.0.0.1:8470/"})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://vigie") as http:
        yield http
    await client.aclose()


async def test_status_api_shows_feeds_throughput_alerts_and_dead_letters(
    web: httpx.AsyncClient,
) -> None:
    response = await web.get("/api/status")
    assert response.status_code == 200
    status = response.json()
    assert status["schema"] == "vigie.status/1"
    assert [feed["name"] for feed in status["feeds"]] == ["fil-monde-fr"]
    assert status["feeds"][0]["http_status"] == 200
    assert status["throughput"]["totals"]["items"] == 13
    assert status["throughput"]["window_minutes"] == 60
    [alert] = status["alerts"]
    assert (
        alert["place"] == "Timbuktu" and alert["headline"]["en"] == "Timbuktu (ML): city captured"
    )
    assert [letter["reason"] for letter in status["dead"]] == ["HTTP 500"]
    assert status["urls"]["status"] == "http://127.0.0.1:8470/"


async def test_status_page_loads_nothing_from_elsewhere(web: httpx.AsyncClient) -> None:
    page = await web.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for asset in ("static/app.js", "static/style.css"):
        assert (await web.get(f"/{asset}")).status_code == 200
    served = [
        path for path in STATIC_DIR.rglob("*") if path.suffix in {".html", ".js", ".css", ".json"}
    ]
    assert {"app.js", "map.js", "countries-110m.json"} <= {path.name for path in served}
    for path in served:
        text = path.read_text(encoding="utf-8")
        # The SVG namespace is a name, not a download.
        text = text.replace("http://www.w3.org/2000/svg", "")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path.name


async def test_web_health_and_metrics(web: httpx.AsyncClient) -> None:
    assert (await web.get("/healthz")).json()["status"] == "ok"
    assert (await web.get("/readyz")).json()["ready"] is True
    assert "vigie_consumer_lag_probe_errors_total" in (await web.get("/metrics")).text


async def test_web_process_serves_the_page_and_mounts_the_subscriptions_api(
    kafka_bootstrap: str, redis_url: str
) -> None:
    token = "t0ken-long-enough-for-the-web-process"
    auth = {"Authorization": f"Bearer {token}"}
    config = WebConfig(kafka_bootstrap, redis_url, host="127.0.0.1", api_token=token)
    async with (
        serve_web(config) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        assert (await client.get("/")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/api/v1/subscriptions")).status_code == 401
        listed = await client.get("/api/v1/subscriptions", headers=auth)
        assert listed.status_code == 200 and listed.json() == []
        status = (await client.get("/api/status", headers=auth)).json()
        assert status["lag"]["error"] in (None, "not measured")


@pytest.mark.parametrize(
    ("path", "open_without_token"),
    [
        ("/api/status", False),
        ("/api/v1/subscriptions", False),
        ("/api/v1/dead", False),
        ("/api/v1/docs", False),
        ("/api/v1/openapi.json", False),
        ("/openapi.json", False),
        ("/docs", False),
        ("/", True),
        ("/metrics", True),
        ("/healthz", True),
        ("/readyz", True),
    ],
)
async def test_with_a_token_only_the_page_and_the_scraper_endpoints_are_open(
    kafka_bootstrap: str, redis_url: str, path: str, open_without_token: bool
) -> None:
    await seed(redis_url)
    token = "a-token-of-more-than-24-characters"
    config = WebConfig(kafka_bootstrap, redis_url, host="127.0.0.1", api_token=token)
    async with (
        serve_web(config) as port,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        anonymous = await client.get(path)
        wrong = await client.get(path, headers={"Authorization": "Bearer " + "x" * 30})
        allowed = await client.get(path, headers={"Authorization": f"Bearer {token}"})
    if open_without_token:
        assert anonymous.status_code == 200
        # Scrapers see counts and names, never the text of an item or an alert.
        assert "Timbuktu" not in anonymous.text
    elif path in ("/openapi.json", "/docs"):
        assert (anonymous.status_code, allowed.status_code) == (404, 404)  # only under /api/v1
    else:
        assert (anonymous.status_code, wrong.status_code) == (401, 401)
        assert allowed.status_code == 200
        assert "Timbuktu" not in anonymous.text


@pytest.mark.parametrize(
    ("host", "token", "problem"),
    [
        ("127.0.0.1", None, None),
        ("localhost", None, None),
        ("::1", None, None),
        ("0.0.0.0", None, "needs VIGIE_API_TOKEN"),
        ("::", None, "needs VIGIE_API_TOKEN"),
        ("192.168.1.10", None, "needs VIGIE_API_TOKEN"),
        ("0.0.0.0", "short-token", "shorter than 24"),
        ("127.0.0.1", "short-token", "shorter than 24"),
        ("0.0.0.0", "change-me", "placeholder"),
        ("0.0.0.0", "replace-with-a-long-random-token", "placeholder"),
        ("0.0.0.0", "q0Jx8n2V-long-random-operator-token", None),
    ],
)
async def test_the_web_process_refuses_to_run_open(
    kafka_bootstrap: str, redis_url: str, host: str, token: str | None, problem: str | None
) -> None:
    found = exposure_problem(host, token)
    if problem is None:
        assert found is None
        return
    assert found is not None and problem in found
    with pytest.raises(WebConfigError, match=problem):
        async with serve_web(WebConfig(kafka_bootstrap, redis_url, host=host, api_token=token)):
            pass


def test_status_json_names_the_page_and_every_metrics_endpoint(
    kafka_bootstrap: str,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    asyncio.run(seed(redis_url))
    monkeypatch.setenv("VIGIE_KAFKA_BOOTSTRAP", kafka_bootstrap)
    monkeypatch.setenv("VIGIE_REDIS_URL", redis_url)
    assert main(["--data-dir", str(tmp_path), "status", "--json"]) == 0
    status: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert status["urls"]["status"].endswith(":8470/")
    assert {f"metrics_{name}" for name in ("broker", "ingest", "streams", "alerts", "web")} <= set(
        status["urls"]
    )
    assert status["feeds"][0]["name"] == "fil-monde-fr"
    assert status["alerts"][0]["id"] == "a1"
    assert status["lag"]["error"] is None
    assert set(status["lag"]["groups"]) == {STREAMS_APP_ID, ALERTS_GROUP_ID}
