"""JSON-lines input: good lines become items, bad lines carry their number and reason."""

from __future__ import annotations

from ingest.jsonl import read_item_lines


def test_reads_items_and_reports_bad_lines() -> None:
    lines = [
        '{"id": 7, "title": "Flood warning for the valley", "text": "Rivers are rising."}',
        "",
        "{broken",
        '{"title": "no id"}',
        '["not", "an", "object"]',
        '{"id": "b", "summary": "Le gouvernement a présenté son budget pour l\'an prochain.", "x": 1}',
    ]
    results = list(read_item_lines(lines, "desk"))
    assert [(r.number, r.item is not None) for r in results] == [
        (1, True),
        (3, False),
        (4, False),
        (5, False),
        (6, True),
    ]
    first, last = results[0], results[-1]
    assert first.raw_id == 7 and first.item is not None and first.item.id == "7"
    assert first.item.lang == "en" and first.item.source == "desk"
    assert last.item is not None and last.item.lang == "fr"
    assert results[1].error is not None and results[1].error.startswith("not JSON")
    assert results[2].error == "a line needs an 'id'"
    assert results[3].error == "a line must be a JSON object"
