"""The history store on a real SQLite file: migrations, idempotent writes, filters, cursor, search."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from alerts.history.store import HistoryQuery, HistoryQueryError, HistoryStore, fts5_query
from alerts.testing import sample_alert
from streams.events import Alert, Casualties, Place

START = datetime(2023, 3, 1, 12, tzinfo=UTC)


def _at(alert: Alert, days: float, **changes: object) -> Alert:
    moment = START + timedelta(days=days)
    return replace(alert, first_seen=moment, updated_at=moment, **changes)  # type: ignore[arg-type]


def _toll(alert: Alert, revision: int, killed: int, evidence: str, reason: str) -> Alert:
    event = replace(
        alert.event,
        casualties=Casualties(killed=killed),
        evidence=evidence,
        item_id=f"item-r{revision}",
    )
    return replace(
        alert,
        revision=revision,
        event=event,
        reason=reason,
        updated_at=alert.first_seen + timedelta(hours=revision),
        headline={"en": f"{killed} killed in Goma", "fr": f"{killed} morts à Goma"},
    )


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    opened = HistoryStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    yield opened  # type: ignore[misc]
    opened.close()


@pytest.fixture
def goma() -> Alert:
    base = sample_alert(
        "goma",
        kind="casualty_report",
        place="Goma",
        country="CD",
        killed=12,
        evidence="Au moins douze personnes ont été tuées à Goma.",
    )
    place = Place(
        name="Goma", geoname_id=217831, canonical="Goma", country="CD", lat=-1.68, lon=29.22
    )
    return _at(base, 0, event=replace(base.event, place=place))


def test_migrations_create_the_tables_indexes_and_search_table(tmp_path: Path) -> None:
    store = HistoryStore.open(f"sqlite:///{tmp_path / 'deep' / 'history.db'}")
    inspector = inspect(store.engine)
    assert {"alerts", "revisions", "sources", "evidence", "alerts_fts", "alembic_version"} <= set(
        inspector.get_table_names()
    )
    indexes = {index["name"] for index in inspector.get_indexes("alerts")}
    assert {"ix_alerts_time", "ix_alerts_kind_time", "ix_alerts_country_time"} <= indexes
    assert "ix_alerts_place_time" in indexes
    # Opening again (a second process, a restart) finds the schema current and changes nothing.
    HistoryStore.open(f"sqlite:///{tmp_path / 'deep' / 'history.db'}").close()
    with store.engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        )
    store.close()


def test_a_revision_is_kept_once_however_often_it_is_written(
    store: HistoryStore, goma: Alert
) -> None:
    assert store.write(goma) is True
    assert store.write(goma) is False
    assert store.write_many([goma, goma]) == 0
    assert store.count() == 1
    assert store.revision_count() == 1


def test_revisions_build_a_timeline_and_the_row_follows_the_highest(
    store: HistoryStore, goma: Alert
) -> None:
    second = _toll(goma, 1, 25, "Le bilan s'élève à 25 morts à Goma.", "toll_up")
    third = _toll(goma, 2, 40, "The toll in Goma rose to 40 dead.", "toll_up")
    # Out of order: revision 2 before revision 1 must not move the row back.
    assert store.write_many([goma, third, second]) == 3
    detail = store.get("goma")
    assert detail is not None
    assert [r["revision"] for r in detail["revisions"]] == [0, 1, 2]
    assert [r["killed"] for r in detail["revisions"]] == [12, 25, 40]
    assert detail["revisions"][1]["evidence"]["text"] == "Le bilan s'élève à 25 morts à Goma."
    assert detail["revision"] == 2 and detail["killed"] == 40
    assert detail["headline"]["en"] == "40 killed in Goma"
    assert detail["place"] == {
        "name": "Goma",
        "geoname_id": 217831,
        "canonical": "Goma",
        "country": "CD",
        "lat": -1.68,
        "lon": 29.22,
    }
    assert {source["feed"] for source in detail["sources"]} == {"AFP", "Reuters"}
    assert detail["first_seen"] == "2023-03-01T12:00:00Z"
    assert store.get("nowhere") is None


@pytest.fixture
def filled(store: HistoryStore, goma: Alert) -> HistoryStore:
    alerts = [
        goma,
        _at(sample_alert("mosul", place="Mosul", country="IQ"), 1),
        _at(
            sample_alert(
                "kharkiv",
                place="Kharkiv",
                country="UA",
                evidence="Russian troops entered Kharkiv after heavy shelling.",
            ),
            2,
        ),
        _at(
            sample_alert("beni", kind="casualty_report", place="Beni", country="CD", killed=3),
            3,
            backfill=True,
        ),
        _at(sample_alert("palmyra", place="Palmyra", country="SY", status="claimed"), 4),
    ]
    store.write_many(alerts)
    return store


FILTER_CASES = [
    ({}, ["palmyra", "beni", "kharkiv", "mosul", "goma"]),
    ({"kind": "casualty_report"}, ["beni", "goma"]),
    ({"country": "cd"}, ["beni", "goma"]),
    ({"place": "mosul"}, ["mosul"]),
    ({"place": "217831"}, ["goma"]),
    ({"status": "claimed"}, ["palmyra"]),
    ({"min_killed": "10"}, ["goma"]),
    ({"since": "2023-03-02T12:00:00Z"}, ["palmyra", "beni", "kharkiv", "mosul"]),
    ({"until": "2023-03-02T12:00:00Z"}, ["goma"]),
    (
        {"since": "2023-03-02", "until": "2023-03-04", "kind": "city_capture"},
        ["kharkiv", "mosul"],
    ),
    ({"q": "shelling"}, ["kharkiv"]),
    ({"q": "tuées Goma"}, ["goma"]),
    ({"q": "Palmyra"}, ["palmyra"]),
    ({"q": "mosul", "country": "IQ"}, ["mosul"]),
    ({"q": '"unbalanced OR'}, []),
    ({"backfill": True}, ["beni"]),
]


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_filters(filled: HistoryStore, filters: dict[str, object], expected: list[str]) -> None:
    page = filled.search(HistoryQuery.parse(**filters))
    assert [alert["id"] for alert in page.alerts] == expected
    assert filled.count(HistoryQuery.parse(**filters)) == len(expected)


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_filters_with_common_matches_walk_the_time_index(
    filled: HistoryStore,
    filters: dict[str, object],
    expected: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every match counts as common: q and min_killed are checked row by row instead.
    monkeypatch.setattr("alerts.history.store.SELECTIVE", 0)
    test_filters(filled, filters, expected)


def test_cursor_pages_through_everything_once(filled: HistoryStore) -> None:
    seen: list[str] = []
    query = HistoryQuery.parse(limit=2)
    pages = 0
    while True:
        page = filled.search(query)
        pages += 1
        seen += [alert["id"] for alert in page.alerts]
        if page.next_cursor is None:
            break
        query = HistoryQuery.parse(limit=2, cursor=page.next_cursor)
    assert pages == 3
    assert seen == ["palmyra", "beni", "kharkiv", "mosul", "goma"]
    assert [a["id"] for a in filled.iterate(HistoryQuery.parse(limit=2))] == seen


@pytest.mark.parametrize(
    ("filters", "problem"),
    [
        ({"since": "yesterday"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"min_killed": "many"}, "min_killed"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_filters_say_which(filters: dict[str, object], problem: str) -> None:
    with pytest.raises(HistoryQueryError, match=problem):
        HistoryQuery.parse(**filters)


def test_search_words_are_never_operators() -> None:
    assert fts5_query('Goma OR "x" NEAR(a)') == '"Goma" "OR" "x" "NEAR" "a"'


def test_the_head_revision_the_store_checks_is_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from alerts.history.store import HEAD_REVISION, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION
