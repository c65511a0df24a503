"""`vigie status` rendering and the URLs it reports, without a running stack."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from kernel.settings import Settings
from vigie.cli import main
from vigie.cli.status import render
from vigie.cli.web import default_urls, stack_urls

NOW = 1_800_000_000.0

STATUS = {
    "schema": "vigie.status/1",
    "generated_at": NOW,
    "urls": {"status": "http://127.0.0.1:8470/"},
    "feeds": [
        {
            "name": "afp-fr",
            "lang": "fr",
            "state": "error",
            "last_success_at": NOW - 120,
            "last_error": "http: HTTP 503",
            "http_status": 503,
            "items_last_hour": 4,
            "next_poll_at": NOW + 30,
        }
    ],
    "throughput": {
        "window_minutes": 3,
        "start_minute": 1,
        "series": {"items": [1, 0, 3], "alerts": [0, 0, 1]},
        "totals": {"items": 4, "alerts": 1},
    },
    "lag": {
        "measured_at": NOW,
        "error": None,
        "total": 2,
        "groups": {"vigie-streams": {"topic": "vigie.items", "lag": 2}},
        "partitions": [],
    },
    "alerts": [
        {
            "id": "a1",
            "revision": 1,
            "kind": "casualty_report",
            "place": "Mosul",
            "country": "IQ",
            "killed": 12,
            "wounded": None,
            "approximate": True,
            "headline": {"fr": "Mossoul : au moins 12 morts", "en": "Mosul: at least 12 killed"},
            "sources": [{"source": "afp-fr", "lang": "fr", "url": ""}],
            "first_seen": "2027-01-15T08:00:00Z",
        }
    ],
    "dead": [{"channel": "webhook", "subscription_id": "s1", "reason": "HTTP 500"}],
}


def rendered(width: int = 160) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(render(STATUS))
    return console.export_text()


def test_summary_shows_each_part_on_one_screen() -> None:
    text = rendered()
    for expected in (
        "http://127.0.0.1:8470/",
        "afp-fr (fr)",
        "http: HTTP 503",
        "2m ago",
        "in 30s",
        "vigie-streams 2",
        "casualties r1",
        "Mosul IQ",
        "~12 killed",
        "Mossoul : au moins 12 morts",
        "Mosul: at least 12 killed",
        "dead letters: 1 recent",
        "webhook s1: HTTP 500",
    ):
        assert expected in text, expected
    assert len(text.splitlines()) <= 40


def test_default_urls_follow_the_port_settings() -> None:
    settings = Settings(status_port=8470, ingest_metrics_port=19401)
    urls = default_urls(settings)
    assert urls["status"] == "http://127.0.0.1:8470/"
    assert urls["metrics_web"] == "http://127.0.0.1:8470/metrics"
    assert urls["metrics_ingest"] == "http://127.0.0.1:19401/metrics"
    assert {"metrics_broker", "metrics_streams", "metrics_alerts"} <= set(urls)


def test_stack_urls_without_a_running_stack_come_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert stack_urls(settings) == default_urls(settings)


def test_status_without_a_stack_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("VIGIE_KAFKA_BOOTSTRAP", "VIGIE_REDIS_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--data-dir", str(tmp_path), "status", "--json"]) == 2
    captured = capsys.readouterr()
    assert "vigie up" in captured.err
    assert captured.out == ""


def test_narrow_terminals_wrap_headlines_instead_of_cutting_them() -> None:
    import copy

    status = copy.deepcopy(STATUS)
    long = "Mosul: at least 12 killed and 30 wounded in a car bomb near the old market"
    status["alerts"][0]["headline"]["en"] = long
    console = Console(width=80, record=True, color_system=None)
    console.print(render(status))
    assert "old market" in console.export_text()  # wrapped onto its own line, not cut


def test_the_width_is_the_terminal_one_even_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.cli.status import terminal_width

    monkeypatch.setenv("COLUMNS", "213")
    assert terminal_width() == 213
