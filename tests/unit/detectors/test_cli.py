"""The `vigie detect` contract: one output line per input line, errors inline, exit 0."""

from __future__ import annotations

import io
import json

import pytest

from vigie.cli.detect import detect_lines


def test_detect_lines_contract(detector: object) -> None:
    lines = [
        json.dumps({"id": "a", "title": "Mosul falls to IS", "summary": "Fighters took it."}),
        "{not json",
        "",
        json.dumps({"id": 7, "title": "Douze morts à Alep", "lang": "fr"}),
        json.dumps({"id": "c", "title": "Le budget est adopté"}),
    ]
    results = list(detect_lines(lines))
    assert [result.get("id") for result in results] == ["a", None, 7, "c"]
    assert results[0]["events"][0]["kind"] == "city_capture"
    assert results[1]["line"] == 2 and "error" in results[1]
    event = results[2]["events"][0]
    assert event["lang"] == "fr" and event["casualties"]["killed"] == 12
    assert set(event) >= {
        "kind",
        "place",
        "actor",
        "from_actor",
        "casualties",
        "status",
        "attribution",
        "evidence",
        "confidence",
    }
    assert results[3]["events"] == []


def test_cli_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vigie.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "x", "title": "Rebels seize Goma"}\n'))
    assert main(["detect"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["events"][0]["place"]["canonical"] == "Goma"
