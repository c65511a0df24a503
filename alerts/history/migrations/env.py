"""Alembic environment of the history: runs on the connection ``alerts.history.store`` passes.

Online only: the store hands its open connection in ``config.attributes["connection"]``;
run by hand (``alembic -x url=...``), a URL is read from ``-x url=`` or ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from alerts.history.models import Base

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database as `alembic -x url=sqlite:///path/history.db ...`")
    with create_engine(url).connect() as opened:
        _run(opened)
