"""Entry points refuse to start open: feeds the egress guard refuses, a web process listening
beyond loopback without a strong token, a bad allow-list. Nothing is started to find out."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.egress import EgressPolicy
from ingest.feeds import load_feeds
from kernel.settings import Settings
from vigie.cli import main
from vigie.cli._common import refused_feeds

FEEDS = """\
feeds:
  - name: wire
    url: https://93.184.216.34/rss
  - name: cloud
    url: http://169.254.169.254/latest/meta-data/
  - name: local
    url: http://0x7f000001:8080/feed.xml
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("VIGIE_ALLOW_PRIVATE_TARGETS", "VIGIE_ALLOWED_TARGETS", "VIGIE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("VIGIE_BIND", raising=False)
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path / "data"))
    # No stack runs: anything that got past the checks would fail to find one.
    monkeypatch.setenv("VIGIE_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setenv("VIGIE_REDIS_URL", "redis://127.0.0.1:1/0")


@pytest.fixture
def feeds_file(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(FEEDS, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["ingest", "up"])
def test_a_feeds_file_with_refused_urls_is_refused_at_start_naming_each_entry(
    command: str, feeds_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--feeds", str(feeds_file)]) == 2
    err = capsys.readouterr().err
    assert "feeds[1] (cloud)" in err and "metadata" in err
    assert "feeds[2] (local)" in err and "loopback" in err
    assert "feeds[0]" not in err


def test_an_allow_listed_intranet_feed_passes_the_start_check(feeds_file: Path) -> None:
    feeds = load_feeds(feeds_file)
    assert len(refused_feeds(feeds, EgressPolicy())) == 2
    allowed = EgressPolicy.parse("127.0.0.0/8, 169.254.169.254/32")
    assert refused_feeds(feeds, allowed) == []


def test_a_bad_allow_list_stops_the_process(
    feeds_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VIGIE_ALLOWED_TARGETS", "10.0.0.0/8,http://intranet/")
    assert main(["ingest", "--feeds", str(feeds_file)]) == 2
    assert "VIGIE_ALLOWED_TARGETS" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "token", "message"),
    [
        (["web", "--host", "0.0.0.0"], None, "needs VIGIE_API_TOKEN"),
        (["web", "--host", "0.0.0.0"], "change-me", "placeholder"),
        (["web"], "short", "shorter than 24"),
    ],
)
def test_the_web_process_refuses_to_start_open(
    argv: list[str],
    token: str | None,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if token is not None:
        monkeypatch.setenv("VIGIE_API_TOKEN", token)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "refusing to start" in err and message in err


def test_every_process_listens_on_loopback_unless_told() -> None:
    assert Settings().bind == "127.0.0.1"


def test_a_subscriptions_file_with_refused_channels_is_refused_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "subscriptions.yaml"
    path.write_text(
        "subscriptions:\n"
        "  - name: newsroom\n"
        "    channel: webhook+https://93.184.216.34/hook\n"
        "  - name: sneaky\n"
        "    channel: webhook+http://[::ffff:169.254.169.254]/latest\n",
        encoding="utf-8",
    )
    assert main(["alerts", "--subscriptions-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert "subscriptions[1] (sneaky)" in err and "metadata" in err
    assert "newsroom" not in err
