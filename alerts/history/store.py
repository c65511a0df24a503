"""``HistoryStore``: write alerts and their revisions to the history database, and query it.

Writes are idempotent on (alert id, revision): a revision already kept is skipped, so a
consumer that re-reads records after a crash (at-least-once) or an archive replayed twice adds
nothing. The ``alerts`` row follows the highest revision received; revisions arriving out of
order only add their own row, sources and evidence.

Queries page with a cursor over (``first_seen``, ``pk``), newest first, so a page costs the
same at any depth. ``q`` is full-text search on headlines and evidence: FTS5 on SQLite, a
``tsvector`` expression index on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Select,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from alerts.history.models import (
    FTS_TABLE,
    PG_SEARCH_VECTOR,
    PG_TS_CONFIG,
    AlertRow,
    EvidenceRow,
    RevisionRow,
    SourceRow,
)
from kernel.clock import format_time, parse_time, utcnow
from streams.events import Alert

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest migration in ``migrations/versions`` (a test checks they agree).
HEAD_REVISION = "0001"
#: Tries of a migration that failed because another process was running the same one.
MIGRATE_ATTEMPTS = 5
DEFAULT_LIMIT = 50
MAX_LIMIT = 10_000


class HistoryQueryError(ValueError):
    """A filter or cursor that cannot be read; the message names it."""


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """Filters of a history search; every one optional. Times bound ``first_seen``."""

    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    status: str | None = None
    country: str | None = None
    place: str | None = None
    q: str | None = None
    min_killed: int | None = None
    backfill: bool | None = None
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None

    @classmethod
    def parse(cls, **values: Any) -> HistoryQuery:
        """A query from text values (query string, CLI flags); ``HistoryQueryError`` when bad."""
        fields: dict[str, Any] = {k: v for k, v in values.items() if v not in (None, "")}
        for name in ("since", "until"):
            if name in fields and not isinstance(fields[name], datetime):
                moment = parse_time(fields[name])
                if moment is None:
                    raise HistoryQueryError(f"{name}: not an ISO 8601 time: {fields[name]!r}")
                fields[name] = moment
        for name in ("min_killed", "limit"):
            if name in fields:
                try:
                    fields[name] = int(fields[name])
                except (TypeError, ValueError):
                    raise HistoryQueryError(f"{name}: not a number: {fields[name]!r}") from None
        limit = fields.get("limit", DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise HistoryQueryError(f"limit: between 1 and {MAX_LIMIT}")
        if fields.get("min_killed", 0) < 0:
            raise HistoryQueryError("min_killed: not negative")
        if "country" in fields:
            fields["country"] = str(fields["country"]).strip().upper()
        if "cursor" in fields:
            decode_cursor(fields["cursor"])
        return cls(**fields)


@dataclass(slots=True)
class HistoryPage:
    """One page of a search: alert summaries, newest first, and the cursor of the next page."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None


def encode_cursor(first_seen: datetime, pk: int) -> str:
    """The opaque cursor after the row (``first_seen``, ``pk``)."""
    raw = json.dumps([format_time(first_seen), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position a cursor stands for; ``HistoryQueryError`` when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        parsed = parse_time(moment)
        if parsed is None:
            raise ValueError(moment)
        return parsed, int(pk)
    except (ValueError, TypeError) as exc:
        raise HistoryQueryError(f"cursor: not a cursor of this API ({exc})") from None


def place_key(name: str | None) -> str | None:
    """How places are compared: case-folded, surrounding spaces dropped."""
    return name.strip().casefold() if name and name.strip() else None


def fts5_query(text_query: str) -> str:
    """A user's words as an FTS5 query: each word quoted (no operators), all required."""
    words = re.findall(r"\w+", text_query)
    return " ".join(f'"{word}"' for word in words)


def database_url(url: str) -> str:
    """A history URL with the driver SQLAlchemy should use (``postgresql://`` -> psycopg 3)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (API, CLI) never block the writer; NORMAL is durable across process crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_history_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their directory and their pragmas."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (``None``: not migrated yet)."""
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None
        except ProgrammingError:
            return None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic ``upgrade head``).

    A database already there costs one query (no Alembic loaded). SQLite migrates outside a
    transaction: when two processes migrate a new file at once, the loser finds it done.
    """
    if schema_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for attempt in range(MIGRATE_ATTEMPTS):
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            # Another process is migrating the same new database: wait for it to finish.
            time.sleep(0.5 * (attempt + 1))
            if schema_revision(engine) == HEAD_REVISION:
                log.info("the history schema was migrated by another process meanwhile")
                return
            if attempt == MIGRATE_ATTEMPTS - 1:
                raise


ALERTS: Table = AlertRow.__table__  # type: ignore[assignment]
_REVISIONS: Table = RevisionRow.__table__  # type: ignore[assignment]
_SOURCES: Table = SourceRow.__table__  # type: ignore[assignment]
_EVIDENCE: Table = EvidenceRow.__table__  # type: ignore[assignment]
_REVISION_KEPT = select(_REVISIONS.c.pk).where(
    _REVISIONS.c.alert_id == bindparam("alert_id"),
    _REVISIONS.c.revision == bindparam("revision"),
)
_CURRENT = select(
    ALERTS.c.pk,
    ALERTS.c.revision,
    ALERTS.c.evidence,
    ALERTS.c.headline_fr,
    ALERTS.c.headline_en,
).where(ALERTS.c.id == bindparam("alert_id"))
_INSERT_ALERT = insert(ALERTS).returning(ALERTS.c.pk)
_INSERT_REVISION = insert(_REVISIONS)
_SOURCES_KNOWN = select(_SOURCES.c.item_id).where(_SOURCES.c.alert_id == bindparam("alert_id"))
_INSERT_SOURCE = insert(_SOURCES)
_INSERT_EVIDENCE = insert(_EVIDENCE)
#: Matches of ``q`` or ``min_killed`` up to which SQLite fetches them by key (see ``_narrowed``).
SELECTIVE = 5000
_FTS_MATCHING = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts"
_FTS_EXISTS = (
    f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts "
    f"AND {FTS_TABLE}.rowid = alerts.pk)"
)
_FTS_COUNT = text(f"SELECT count(*) FROM ({_FTS_MATCHING} LIMIT :cap)")
_KILLED_PKS = (
    select(ALERTS.c.pk).where(ALERTS.c.killed >= bindparam("killed")).limit(bindparam("cap"))
)
_KILLED_COUNT = select(func.count()).select_from(_KILLED_PKS.subquery())
_FTS_DELETE = text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :pk")
_FTS_INSERT = text(
    f"INSERT INTO {FTS_TABLE} (rowid, headline_fr, headline_en, evidence) "
    "VALUES (:pk, :fr, :en, :evidence)"
)


def _summary_values(alert: Alert) -> dict[str, Any]:
    """The ``alerts`` columns an alert's revision sets."""
    event_ = alert.event
    place = event_.place
    casualties = event_.casualties
    return {
        "revision": alert.revision,
        "kind": event_.kind,
        "status": event_.status,
        "reason": alert.reason,
        "supersedes": alert.supersedes,
        "place_name": place.name if place else None,
        "place_geonameid": place.geoname_id if place else None,
        "place_canonical": (place.canonical or None) if place else None,
        "place_key": place_key(place.canonical or place.name) if place else None,
        "country": (place.country.upper() or None) if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "actor": event_.actor,
        "from_actor": event_.from_actor,
        "killed": casualties.killed if casualties else None,
        "wounded": casualties.wounded if casualties else None,
        "approximate": bool(casualties and casualties.approximate),
        "headline_fr": alert.headline.get("fr", ""),
        "headline_en": alert.headline.get("en", ""),
        "updated": alert.updated_at,
        "backfill": alert.backfill,
    }


def summary(row: Any) -> dict[str, Any]:
    """An ``alerts`` row as the API, the CLI and the exports show it."""
    return {
        "id": row.id,
        "revision": row.revision,
        "kind": row.kind,
        "status": row.status,
        "reason": row.reason,
        "place": {
            "name": row.place_name,
            "geoname_id": row.place_geonameid,
            "canonical": row.place_canonical,
            "country": row.country,
            "lat": row.lat,
            "lon": row.lon,
        },
        "actor": row.actor,
        "from_actor": row.from_actor,
        "killed": row.killed,
        "wounded": row.wounded,
        "approximate": bool(row.approximate),
        "headline": {"fr": row.headline_fr, "en": row.headline_en},
        "first_seen": format_time(row.first_seen),
        "updated": format_time(row.updated),
        "backfill": bool(row.backfill),
        "supersedes": row.supersedes,
    }


class HistoryStore:
    """The history database: SQLite file or PostgreSQL server, same schema, same answers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> HistoryStore:
        """Connect to ``url`` and migrate its schema to the newest revision."""
        store = cls(create_history_engine(url))
        if migrate_schema:
            migrate(store.engine)
        return store

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    # --- writes ---------------------------------------------------------------------------

    def write(self, alert: Alert) -> bool:
        """Keep one alert revision; ``False`` when it was kept before."""
        return self.write_many([alert]) == 1

    def write_many(self, alerts: Sequence[Alert]) -> int:
        """Keep a batch in one transaction; returns how many revisions were new."""
        return sum(self.write_batch(alerts))

    def write_batch(self, alerts: Sequence[Alert]) -> list[bool]:
        """Keep a batch in one transaction; for each alert, whether its revision was new."""
        try:
            with self.engine.begin() as connection:
                return [self._write(connection, alert) for alert in alerts]
        except IntegrityError:
            if len(alerts) == 1:
                # Another writer kept the same revision between our check and our insert.
                log.info("alert %s r%d kept by another writer", alerts[0].id, alerts[0].revision)
                return [False]
            return [self.write_batch([alert])[0] for alert in alerts]

    def _write(self, connection: Connection, alert: Alert) -> bool:
        # Statements are built once (module constants): a write costs its SQL, not compiling.
        kept = connection.execute(
            _REVISION_KEPT, {"alert_id": alert.id, "revision": alert.revision}
        ).first()
        if kept is not None:
            return False
        now = utcnow()
        values = _summary_values(alert)
        evidence = alert.event.evidence.strip()
        current = connection.execute(_CURRENT, {"alert_id": alert.id}).first()
        if current is None:
            pk = connection.execute(
                _INSERT_ALERT,
                {
                    **values,
                    "id": alert.id,
                    "first_seen": alert.first_seen,
                    "evidence": evidence,
                    "recorded_at": now,
                },
            ).scalar_one()
            self._index(connection, pk, values["headline_fr"], values["headline_en"], evidence)
        else:
            pk = int(current.pk)
            lines = current.evidence.split("\n") if current.evidence else []
            if evidence and evidence not in lines:
                lines.append(evidence)
            change: dict[str, Any] = {"evidence": "\n".join(lines)}
            headlines = (current.headline_fr, current.headline_en)
            if alert.revision > current.revision:
                change.update(values)
                headlines = (values["headline_fr"], values["headline_en"])
            connection.execute(
                update(ALERTS).where(ALERTS.c.pk == bindparam("row_pk")),
                {**change, "row_pk": pk},
            )
            self._index(connection, pk, *headlines, change["evidence"], replace=True)
        connection.execute(
            _INSERT_REVISION,
            {
                "alert_id": alert.id,
                "revision": alert.revision,
                "reason": alert.reason,
                "status": values["status"],
                "killed": values["killed"],
                "wounded": values["wounded"],
                "approximate": values["approximate"],
                "headline_fr": values["headline_fr"],
                "headline_en": values["headline_en"],
                "updated": alert.updated_at,
                "backfill": alert.backfill,
                "payload": json.dumps(alert.to_dict(), ensure_ascii=False, separators=(",", ":")),
                "recorded_at": now,
            },
        )
        known = set(connection.execute(_SOURCES_KNOWN, {"alert_id": alert.id}).scalars())
        fresh = {source.item_id: source for source in alert.sources if source.item_id not in known}
        if fresh:
            connection.execute(
                _INSERT_SOURCE,
                [
                    {
                        "alert_id": alert.id,
                        "item_id": source.item_id,
                        "feed": source.source,
                        "url": source.url,
                        "lang": source.lang,
                        "title": source.title,
                        "published_at": source.seen_at,
                        "revision": alert.revision,
                    }
                    for source in fresh.values()
                ],
            )
        connection.execute(
            _INSERT_EVIDENCE,
            {
                "alert_id": alert.id,
                "revision": alert.revision,
                "item_id": alert.event.item_id,
                "lang": alert.event.lang,
                "text": evidence,
            },
        )
        return True

    def _index(
        self,
        connection: Connection,
        pk: int,
        headline_fr: str,
        headline_en: str,
        evidence: str,
        *,
        replace: bool = False,
    ) -> None:
        """Keep the SQLite FTS5 row of an alert in step (PostgreSQL indexes the row itself)."""
        if self.dialect != "sqlite":
            return
        if replace:
            connection.execute(_FTS_DELETE, {"pk": pk})
        connection.execute(
            _FTS_INSERT, {"pk": pk, "fr": headline_fr, "en": headline_en, "evidence": evidence}
        )

    # --- queries --------------------------------------------------------------------------

    def search(self, query: HistoryQuery) -> HistoryPage:
        """One page of alert summaries matching ``query``, newest ``first_seen`` first."""
        with self.engine.connect() as connection:
            rows = connection.execute(self._page(connection, query)).all()
            sources = self._sources(connection, [row.id for row in rows[: query.limit]])
        page = HistoryPage(
            alerts=[
                {**summary(row), "sources": sources.get(row.id, [])} for row in rows[: query.limit]
            ]
        )
        if len(rows) > query.limit:
            last = rows[query.limit - 1]
            page.next_cursor = encode_cursor(last.first_seen, last.pk)
        return page

    def _page(self, connection: Connection, query: HistoryQuery) -> Select[Any]:
        statement = self._filtered(select(AlertRow), query, connection)
        if query.cursor:
            moment, pk = decode_cursor(query.cursor)
            statement = statement.where(
                or_(
                    AlertRow.first_seen < moment,
                    (AlertRow.first_seen == moment) & (AlertRow.pk < pk),
                )
            )
        return statement.order_by(AlertRow.first_seen.desc(), AlertRow.pk.desc()).limit(
            query.limit + 1
        )

    def iterate(self, query: HistoryQuery) -> Iterable[dict[str, Any]]:
        """Every alert matching ``query`` (all pages), for exports."""
        while True:
            page = self.search(query)
            yield from page.alerts
            if page.next_cursor is None:
                return
            query = HistoryQuery(**{**_fields(query), "cursor": page.next_cursor})

    def count(self, query: HistoryQuery | None = None) -> int:
        """How many alerts match ``query`` (all when ``None``)."""
        with self.engine.connect() as connection:
            statement = self._filtered(
                select(func.count()).select_from(AlertRow), query, connection
            )
            return int(connection.execute(statement).scalar_one())

    def revision_count(self) -> int:
        """How many revisions are kept, every alert together."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(RevisionRow)).scalar_one()
            )

    def _filtered(
        self, statement: Select[Any], query: HistoryQuery | None, connection: Connection
    ) -> Select[Any]:
        if query is None:
            return statement
        if query.since is not None:
            statement = statement.where(AlertRow.first_seen >= query.since)
        if query.until is not None:
            statement = statement.where(AlertRow.first_seen < query.until)
        if query.kind:
            statement = statement.where(AlertRow.kind == query.kind)
        if query.status:
            statement = statement.where(AlertRow.status == query.status)
        if query.country:
            statement = statement.where(AlertRow.country == query.country.upper())
        if query.place:
            wanted = query.place.strip()
            if wanted.isdigit():
                statement = statement.where(AlertRow.place_geonameid == int(wanted))
            else:
                statement = statement.where(AlertRow.place_key == place_key(wanted))
        if query.min_killed is not None:
            statement = statement.where(AlertRow.killed >= query.min_killed)
        if query.backfill is not None:
            statement = statement.where(AlertRow.backfill == query.backfill)
        words = query.q.strip() if query.q else ""
        if self.dialect == "sqlite":
            return self._narrowed(statement, query, words, connection)
        if words:
            statement = statement.where(self._matches(words))
        return statement

    def _narrowed(
        self, statement: Select[Any], query: HistoryQuery, words: str, connection: Connection
    ) -> Select[Any]:
        """SQLite: rare matches of ``q`` or ``min_killed`` looked up by key, common ones scanned.

        SQLite's planner does not know how selective a full-text match or a toll threshold is.
        Both are counted first, up to ``SELECTIVE``: fewer rows are fetched by primary key
        (``pk IN (subquery)``) and sorted; more are found walking the time index, newest
        first, checking each row.
        """
        if words:
            fts = {"fts": fts5_query(words) or '""', "cap": SELECTIVE + 1}
            if connection.execute(_FTS_COUNT, fts).scalar_one() <= SELECTIVE:
                matching = text(_FTS_MATCHING).bindparams(fts=fts["fts"])
                statement = statement.where(AlertRow.pk.in_(matching.columns(rowid=Integer)))
            else:
                statement = statement.where(text(_FTS_EXISTS).bindparams(fts=fts["fts"]))
        if query.min_killed is not None:
            killed = {"killed": query.min_killed, "cap": SELECTIVE + 1}
            if connection.execute(_KILLED_COUNT, killed).scalar_one() <= SELECTIVE:
                statement = statement.where(
                    AlertRow.pk.in_(select(ALERTS.c.pk).where(ALERTS.c.killed >= query.min_killed))
                )
        return statement

    def _matches(self, words: str) -> Any:
        if self.dialect == "postgresql":
            return text(
                f"{PG_SEARCH_VECTOR} @@ websearch_to_tsquery('{PG_TS_CONFIG}', :words)"
            ).bindparams(words=words)
        pattern = f"%{words.strip()}%"
        return or_(
            AlertRow.headline_fr.ilike(pattern),
            AlertRow.headline_en.ilike(pattern),
            AlertRow.evidence.ilike(pattern),
        )

    def _sources(
        self, connection: Connection, alert_ids: list[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """The sources of each alert, in the order they reported it."""
        found: dict[str, list[dict[str, Any]]] = {}
        if not alert_ids:
            return found
        for source in connection.execute(
            select(SourceRow)
            .where(SourceRow.alert_id.in_(alert_ids))
            .order_by(SourceRow.published_at, SourceRow.pk)
        ):
            found.setdefault(source.alert_id, []).append(source_record(source))
        return found

    def get(self, alert_id: str) -> dict[str, Any] | None:
        """One alert with its revision timeline (oldest first), sources and evidence."""
        with self.engine.connect() as connection:
            row = connection.execute(select(AlertRow).where(AlertRow.id == alert_id)).first()
            if row is None:
                return None
            revisions = connection.execute(
                select(RevisionRow)
                .where(RevisionRow.alert_id == alert_id)
                .order_by(RevisionRow.revision)
            ).all()
            evidence = {
                item.revision: item
                for item in connection.execute(
                    select(EvidenceRow).where(EvidenceRow.alert_id == alert_id)
                ).all()
            }
            sources = self._sources(connection, [alert_id]).get(alert_id, [])
        detail = summary(row)
        detail["revisions"] = [
            {
                "revision": revision.revision,
                "reason": revision.reason,
                "status": revision.status,
                "killed": revision.killed,
                "wounded": revision.wounded,
                "approximate": bool(revision.approximate),
                "headline": {"fr": revision.headline_fr, "en": revision.headline_en},
                "updated": format_time(revision.updated),
                "backfill": bool(revision.backfill),
                "evidence": _evidence(evidence.get(revision.revision)),
            }
            for revision in revisions
        ]
        detail["sources"] = sources
        return detail

    def delete_all(self) -> None:
        """Forget every alert (tests and benches)."""
        with self.engine.begin() as connection:
            for table in (EvidenceRow, SourceRow, RevisionRow, AlertRow):
                connection.execute(delete(table))
            if self.dialect == "sqlite":
                connection.execute(text(f"DELETE FROM {FTS_TABLE}"))


def source_record(source: Any) -> dict[str, Any]:
    """A ``sources`` row as the API shows it (``revision``: the first that listed it)."""
    return {
        "feed": source.feed,
        "item_id": source.item_id,
        "url": source.url,
        "lang": source.lang,
        "title": source.title,
        "published_at": format_time(source.published_at),
        "revision": source.revision,
    }


def _evidence(row: Any) -> dict[str, str] | None:
    if row is None:
        return None
    return {"item_id": row.item_id, "lang": row.lang, "text": row.text}


def _fields(query: HistoryQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in HistoryQuery.__dataclass_fields__}
