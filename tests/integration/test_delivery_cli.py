"""`vigie subscriptions` and `vigie dead` against real Redis, through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigie.cli import main

pytestmark = pytest.mark.integration


@pytest.fixture
def stack_env(monkeypatch: pytest.MonkeyPatch, redis_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIE_REDIS_URL", redis_url)
    monkeypatch.setenv("VIGIE_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.usefixtures("stack_env")
def test_add_list_remove(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "subscriptions",
        "add",
        "--channel",
        "webhook+https://example.org/h",
        "--kind",
        "city_capture",
        "--kind",
        "casualty_report",
        "--country",
        "iq",
        "--city",
        "Mosul",
        "--min-killed",
        "5",
        "--lang",
        "fr",
        "--secret",
        "s",
        "--name",
        "ops",
    )
    assert code == 0
    created = json.loads(out)
    assert created["id"].startswith("sub_") and created["countries"] == ["IQ"]
    assert created["kinds"] == ["city_capture", "casualty_report"] and created["secret"] == "***"
    run(capsys, "subscriptions", "add", "--channel", "slack://hooks.slack.com/services/x")
    code, out, _ = run(capsys, "subscriptions", "list")
    listed = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(listed) == 2 and listed[0]["id"] == created["id"]
    code, out, _ = run(capsys, "subscriptions", "remove", created["id"])
    assert code == 0 and json.loads(out) == {"removed": created["id"]}
    code, _, err = run(capsys, "subscriptions", "remove", created["id"])
    assert code == 1 and "no subscription" in err


@pytest.mark.usefixtures("stack_env")
def test_bad_subscription_is_explained_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "subscriptions", "add", "--channel", "ftp://x", "--kind", "riot", "--lang", "de"
    )
    assert code == 2 and out == ""
    assert "unknown channel scheme" in err and "kinds.0" in err and "lang" in err


@pytest.mark.usefixtures("stack_env")
def test_dead_list_is_empty_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "dead", "list") == (0, "", "")
    code, _, err = run(capsys, "dead", "retry")
    assert code == 2 and "--all" in err


def test_without_a_stack_commands_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("VIGIE_REDIS_URL", "REDIS_URL", "VIGIE_KAFKA_BOOTSTRAP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    for argv in (("alerts",), ("subscriptions", "list"), ("dead", "list")):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and "vigie up" in err
