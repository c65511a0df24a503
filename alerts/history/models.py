"""The history tables, as SQLAlchemy 2 typed declarative models.

``alerts`` holds the latest state of each alert (one row per alert id); ``revisions`` every
revision received (unique on alert id + revision: what makes the writer idempotent);
``sources`` the items that reported an alert; ``evidence`` the sentence each revision rests on.
Times are stored as naive UTC and read back as aware UTC, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: Name of the SQLite FTS5 table over headlines and evidence (its rowid is ``alerts.pk``).
FTS_TABLE = "alerts_fts"
#: Text search configuration of PostgreSQL: no stemming, the wires are in French and English.
PG_TS_CONFIG = "simple"


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime kept as naive UTC (SQLite has no time zones), read back as UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # a raw SQLite value read outside the ORM type
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the history models."""


class RevisionColumns:
    """What each revision states, kept per revision and, for the latest, on the alert row."""

    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(120), default="new")
    killed: Mapped[int | None] = mapped_column(Integer)
    wounded: Mapped[int | None] = mapped_column(Integer)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    headline_fr: Mapped[str] = mapped_column(Text, default="")
    headline_en: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[datetime] = mapped_column(UTCDateTime())
    backfill: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertRow(RevisionColumns, Base):
    """One alert as its latest revision tells it."""

    __tablename__ = "alerts"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    revision: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    supersedes: Mapped[str | None] = mapped_column(String(64))
    place_name: Mapped[str | None] = mapped_column(String(200))
    place_geonameid: Mapped[int | None] = mapped_column(BigInteger)
    place_canonical: Mapped[str | None] = mapped_column(String(200))
    #: Case-folded canonical name (else the name as written): what ``place=`` filters on.
    place_key: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    actor: Mapped[str | None] = mapped_column(String(200))
    from_actor: Mapped[str | None] = mapped_column(String(200))
    #: Every evidence sentence of the alert, one per line: searched with the headlines.
    evidence: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_alerts_time", "first_seen", "pk"),
        Index("ix_alerts_kind_time", "kind", "first_seen"),
        Index("ix_alerts_country_time", "country", "first_seen"),
        Index("ix_alerts_place_time", "place_key", "first_seen"),
        Index("ix_alerts_geonameid", "place_geonameid"),
        Index("ix_alerts_killed", "killed"),
    )


class RevisionRow(RevisionColumns, Base):
    """One revision of one alert, as received (the whole alert JSON kept in ``payload``)."""

    __tablename__ = "revisions"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("alert_id", "revision", name="uq_revisions_alert_revision"),)


class SourceRow(Base):
    """One item that reported an alert: its feed, item id, URL, language and published time."""

    __tablename__ = "sources"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(200))
    feed: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The revision that first listed this source.
    revision: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("alert_id", "item_id", name="uq_sources_alert_item"),)


class EvidenceRow(Base):
    """The sentence a revision rests on, in the language of the item it came from."""

    __tablename__ = "evidence"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("alert_id", "revision", name="uq_evidence_alert_revision"),)


#: The text PostgreSQL searches: headlines and evidence (an expression index covers it).
PG_SEARCH_TEXT = (
    "coalesce(headline_fr, '') || ' ' || coalesce(headline_en, '') || ' ' || coalesce(evidence, '')"
)
PG_SEARCH_VECTOR = f"to_tsvector('{PG_TS_CONFIG}', {PG_SEARCH_TEXT})"


def pg_search_index_sql() -> str:
    """The GIN expression index PostgreSQL answers ``q=`` with."""
    return f"CREATE INDEX ix_alerts_search ON alerts USING gin (({PG_SEARCH_VECTOR}))"
