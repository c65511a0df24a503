"""Command lines never show users a traceback: closed pipes, bytes that are not UTF-8, all-bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from alerts.dead import LETTERS_KEY, DeadLetter
from alerts.testing import sample_alert
from tests.integration.stack import vigie_env
from vigie.cli import BROKEN_PIPE_EXIT, main

pytestmark = pytest.mark.integration

GOOD = b'{"id": "a", "title": "Rebels seize Goma", "lang": "en"}\n'
NOT_UTF8 = b'{"id": "b", "title": "Caf\xe9 cr\xe8me"}\n'


def vigie(*argv: str) -> list[str]:
    return [sys.executable, "-m", "vigie", *argv]


def read_one_line_then_close(
    argv: list[str], env: dict[str, str], stdin: bytes = b""
) -> tuple[str, int, str]:
    """Run ``argv`` like ``argv | head -1``: read one line, close the pipe, collect the rest."""
    process = subprocess.Popen(
        argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(stdin)
    process.stdin.close()
    first = process.stdout.readline().decode()
    process.stdout.close()
    assert process.stderr is not None
    stderr = process.stderr.read()
    process.stderr.close()
    return first, process.wait(timeout=120), stderr.decode()


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_detect_reports_bytes_that_are_not_utf8_as_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(GOOD + NOT_UTF8 + GOOD.replace(b'"a"', b'"c"'))
    env = vigie_env(tmp_path)
    for argv, stdin in ((vigie("detect", str(path)), None), (vigie("detect"), path.read_bytes())):
        result = subprocess.run(argv, env=env, input=stdin, capture_output=True, timeout=120)
        assert result.returncode == 0 and b"Traceback" not in result.stderr
        lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
        assert [line["id"] for line in lines] == ["a", None, "c"]
        assert lines[1]["line"] == 2 and set(lines[1]) == {"id", "line", "error"}
        assert "not UTF-8" in lines[1]["error"] and "0xe9" in lines[1]["error"]
        assert lines[2]["events"][0]["place"]["canonical"] == "Goma"


def test_detect_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"".join(GOOD.replace(b'"a"', f'"i{n}"'.encode()) for n in range(2000)))
    first, code, stderr = read_one_line_then_close(vigie("detect", str(path)), vigie_env(tmp_path))
    assert json.loads(first)["id"] == "i0"
    assert code == BROKEN_PIPE_EXIT and stderr == ""


def test_dead_list_into_a_closed_pipe_exits_quietly(redis_url: str, tmp_path: Path) -> None:
    client = redis.Redis.from_url(redis_url)
    pipe = client.pipeline()
    for number in range(1500):
        letter = DeadLetter(
            id=f"dead-{number}",
            subscription_id="sub",
            channel="webhook",
            target="webhook+https://example.org/…",
            reason="target answered 'down' (HTTP 503)",
            attempts=7,
            alerts=(sample_alert(f"x{number}"),),
            keys=(f"k{number}",),
            failed_at=datetime.now(UTC),
        )
        pipe.hset(LETTERS_KEY, letter.id, json.dumps(letter.to_dict()))
        pipe.zadd("vigie:v1:dead:index", {letter.id: number})
    pipe.execute()
    client.close()
    env = vigie_env(tmp_path, VIGIE_REDIS_URL=redis_url, VIGIE_KAFKA_BOOTSTRAP="127.0.0.1:1")
    first, code, stderr = read_one_line_then_close(
        vigie("dead", "list", "--full", "--limit", "1500"), env
    )
    assert json.loads(first)["id"] == "dead-1499"
    assert code == BROKEN_PIPE_EXIT and stderr == ""


def test_status_json_into_a_closed_pipe_exits_quietly(
    kafka_bootstrap: str,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VIGIE_REDIS_URL", redis_url)
    monkeypatch.setenv("VIGIE_KAFKA_BOOTSTRAP", kafka_bootstrap)
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["status", "--json"]) == BROKEN_PIPE_EXIT
    assert capsys.readouterr().err == ""


def test_replay_where_every_line_is_bad_fails_and_counts(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"{not json\n" + NOT_UTF8 + b'["a list"]\n\n')
    env = vigie_env(tmp_path, VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap, VIGIE_REDIS_URL=redis_url)
    result = subprocess.run(
        vigie("replay", str(path)), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "line 2: not UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert "0 item(s) sent, 3 line(s) skipped" in result.stderr
    assert "every line was bad (3 skipped)" in result.stderr


def test_ingest_once_names_a_failing_feed_without_a_traceback(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    from vigie.embedded.ports import free_port

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"feeds:\n  - name: away\n    url: http://127.0.0.1:{free_port()}/feed.xml\n    lang: en\n",
        encoding="utf-8",
    )
    env = vigie_env(tmp_path, VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap, VIGIE_REDIS_URL=redis_url)
    result = subprocess.run(
        vigie("ingest", "--once", "--feeds", str(feeds)),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "away: connection:" in result.stderr and "Traceback" not in result.stderr
