"""`vigie history` reads the history file of the data directory, running stack or not."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from alerts.history.store import HistoryStore
from alerts.testing import sample_alert
from vigie.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VIGIE_HISTORY_URL", raising=False)
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    store.write_many(
        [
            sample_alert("kidal", place="Kidal", country="ML"),
            sample_alert("gao", kind="casualty_report", place="Gao", country="ML", killed=9),
            sample_alert("sirte", place="Sirte", country="LY"),
        ]
    )
    store.close()
    return tmp_path


def test_table_lists_the_matching_alerts(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "history", "--country", "ML"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["first", "seen", "id"]
    assert {line.split()[2] for line in lines[1:]} == {"kidal", "gao"}


def test_exports(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--data-dir", str(data_dir), "history", "--kind", "casualty_report", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["id"], row["killed"]) for row in rows] == [("gao", "9")]
    main(["--data-dir", str(data_dir), "history", "--format", "geojson"])
    collection = json.loads(capsys.readouterr().out)
    assert {feature["id"] for feature in collection["features"]} == {"kidal", "gao", "sirte"}
    main(["--data-dir", str(data_dir), "history", "-q", "Sirte", "--format", "jsonl"])
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == ["sirte"]


def test_one_alert_timeline(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "history", "gao"]) == 0
    out = capsys.readouterr().out
    assert "r0" in out and "9 killed" in out and "AFP (fr)" in out
    assert main(["--data-dir", str(data_dir), "history", "nowhere"]) == 1


def test_no_history_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIGIE_HISTORY_URL", raising=False)
    assert main(["--data-dir", str(tmp_path / "empty"), "history"]) == 2
    assert "vigie up" in capsys.readouterr().err
    assert not (tmp_path / "empty").exists()
