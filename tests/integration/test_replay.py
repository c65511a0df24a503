"""`vigie replay` pushes good lines into vigie.items, reports bad ones by number, and fails
when no stack is reachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kernel.contracts import TOPIC_ITEMS
from tests.integration.stack import read_topic, vigie_env

pytestmark = pytest.mark.integration

LINES = [
    '{"id": "r1", "title": "Storm hits the coast", "text": "Heavy rain fell overnight.", "lang": "en"}',
    "{not json",
    '{"id": "r2", "title": "La pluie tombe sur Paris", "summary": "Des averses sont attendues toute la journée.", "extra": [1, 2]}',
    '["a", "list"]',
    "",
    '{"title": "no id"}',
    '{"id": "r3", "text": "Only a text, no title, published at noon.", "published_at": "2026-11-20T12:00:00Z", "source": "desk"}',
]


def replay(path: Path, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigie", "replay", str(path), *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_replay_sends_good_lines_and_names_bad_ones(
    kafka_bootstrap: str, redis_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    env = vigie_env(tmp_path, VIGIE_KAFKA_BOOTSTRAP=kafka_bootstrap, VIGIE_REDIS_URL=redis_url)
    result = replay(path, env)
    assert result.returncode == 0, result.stderr
    assert "line 2:" in result.stderr and "line 4:" in result.stderr and "line 6:" in result.stderr
    assert "3 item(s) sent, 3 line(s) skipped" in result.stderr
    records = {record["id"]: record for record in read_topic(kafka_bootstrap, TOPIC_ITEMS)}
    assert sorted(records) == ["r1", "r2", "r3"]
    assert records["r2"]["lang"] == "fr" and records["r2"]["source"] == "replay"
    assert (
        records["r3"]["source"] == "desk"
        and records["r3"]["published_at"] == "2026-11-20T12:00:00Z"
    )


def test_replay_without_a_stack_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(LINES[0] + "\n", encoding="utf-8")
    result = replay(path, vigie_env(tmp_path / "nothing-here"))
    assert result.returncode != 0
    assert "no running Vigie stack" in result.stderr
