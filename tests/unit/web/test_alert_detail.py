"""The console's alert rows: one per alert, its highest revision, with the revision timeline."""

from __future__ import annotations

from alerts.testing import sample_alert
from vigie.web.alert_detail import alert_details, detail_sources


def entry(revision: int, killed: int, evidence: str) -> dict[str, object]:
    alert = sample_alert(
        "a1", revision=revision, kind="casualty_report", killed=killed, evidence=evidence
    )
    return alert.to_dict()


def test_one_row_per_alert_with_every_revision_and_sentence() -> None:
    entries = [
        entry(1, 40, "The death toll rose to 40, officials said."),
        entry(0, 12, "At least 12 people were killed in Mosul."),
        sample_alert("a0", place="Aleppo", country="SY").to_dict(),
    ]
    rows = {row["id"]: row for row in alert_details(entries)}
    assert set(rows) == {"a1", "a0"}
    latest = rows["a1"]
    assert (latest["revision"], latest["killed"]) == (1, 40)
    assert [(r["revision"], r["killed"]) for r in latest["revisions"]] == [(0, 12), (1, 40)]
    assert latest["evidence"] == [
        "At least 12 people were killed in Mosul.",
        "The death toll rose to 40, officials said.",
    ]
    assert [(s["source"], s["lang"]) for s in latest["sources"]] == [
        ("AFP", "fr"),
        ("Reuters", "en"),
    ]
    assert all(s["seen_at"] for s in latest["sources"])
    assert rows["a0"]["country"] == "SY" and rows["a0"]["lat"] is None


def test_unreadable_entries_are_skipped() -> None:
    assert alert_details([{"event": {}}, {"id": ""}]) == []
    assert detail_sources([{"source": "AFP"}]) == [
        {"source": "AFP", "lang": "", "url": "", "title": "", "seen_at": ""}
    ]
