"""The history tables, their indexes and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from alerts.history.models import FTS_TABLE, UTCDateTime, pg_search_index_sql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key(name: str, length: int = 64) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        _key("id"),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(120), nullable=False),
        sa.Column("supersedes", sa.String(64)),
        sa.Column("place_name", sa.String(200)),
        sa.Column("place_geonameid", sa.BigInteger()),
        sa.Column("place_canonical", sa.String(200)),
        sa.Column("place_key", sa.String(200)),
        sa.Column("country", sa.String(2)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("actor", sa.String(200)),
        sa.Column("from_actor", sa.String(200)),
        sa.Column("killed", sa.Integer()),
        sa.Column("wounded", sa.Integer()),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("headline_fr", sa.Text(), nullable=False),
        sa.Column("headline_en", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("updated", UTCDateTime(), nullable=False),
        sa.Column("backfill", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("id", name="uq_alerts_id"),
    )
    op.create_index("ix_alerts_time", "alerts", ["first_seen", "pk"])
    op.create_index("ix_alerts_kind_time", "alerts", ["kind", "first_seen"])
    op.create_index("ix_alerts_country_time", "alerts", ["country", "first_seen"])
    op.create_index("ix_alerts_place_time", "alerts", ["place_key", "first_seen"])
    op.create_index("ix_alerts_geonameid", "alerts", ["place_geonameid"])
    op.create_index("ix_alerts_killed", "alerts", ["killed"])

    op.create_table(
        "revisions",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(64), sa.ForeignKey("alerts.id", ondelete="CASCADE")),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("killed", sa.Integer()),
        sa.Column("wounded", sa.Integer()),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("headline_fr", sa.Text(), nullable=False),
        sa.Column("headline_en", sa.Text(), nullable=False),
        sa.Column("updated", UTCDateTime(), nullable=False),
        sa.Column("backfill", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("alert_id", "revision", name="uq_revisions_alert_revision"),
    )
    op.create_table(
        "sources",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(64), sa.ForeignKey("alerts.id", ondelete="CASCADE")),
        _key("item_id", 200),
        sa.Column("feed", sa.String(200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.UniqueConstraint("alert_id", "item_id", name="uq_sources_alert_item"),
    )
    op.create_table(
        "evidence",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(64), sa.ForeignKey("alerts.id", ondelete="CASCADE")),
        sa.Column("revision", sa.Integer(), nullable=False),
        _key("item_id", 200),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("alert_id", "revision", name="uq_evidence_alert_revision"),
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # rowid = alerts.pk; accents folded so "Kharkiv" finds "Kharkiv" and "Kharkív".
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "headline_fr, headline_en, evidence, tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.execute(pg_search_index_sql())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    for table in ("evidence", "sources", "revisions", "alerts"):
        op.drop_table(table)
