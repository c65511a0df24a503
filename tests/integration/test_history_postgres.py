"""The history store on a real PostgreSQL server: the same tests as on SQLite, and its indexes.

The server is started for this module from ``initdb`` and ``postgres`` on PATH (as the
``postgres`` user when the tests run as root, which PostgreSQL refuses to run as).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from alerts.history.store import HistoryStore
from tests.unit.history.test_store import (  # noqa: F401  (the tests below run on PostgreSQL)
    filled,
    goma,
    test_a_revision_is_kept_once_however_often_it_is_written,
    test_cursor_pages_through_everything_once,
    test_filters,
    test_revisions_build_a_timeline_and_the_row_follows_the_highest,
)
from vigie.embedded.ports import free_port

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not (shutil.which("initdb") and shutil.which("postgres")),
        reason="PostgreSQL binaries (initdb, postgres) are not on PATH: install PostgreSQL "
        "to run the history tests on it",
    ),
]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server on a free port, and a database in it."""
    root = Path(tempfile.mkdtemp(prefix="vigie-pg-"))
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(root, server_user.pw_uid, server_user.pw_gid)
    data = root / "data"
    subprocess.run(
        _as_server_user(
            ["initdb", "-D", str(data), "-U", "vigie", "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        _as_server_user(
            [
                "postgres",
                "-D",
                str(data),
                "-p",
                str(port),
                "-k",
                str(root),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=open(root / "server.log", "wb"),  # noqa: SIM115 (kept open for the server)
    )
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(
                host="127.0.0.1", port=port, user="vigie", dbname="postgres", autocommit=True
            ) as connection:
                connection.execute("CREATE DATABASE history")
            break
        except psycopg.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                log = (root / "server.log").read_text(errors="replace")
                raise RuntimeError(f"PostgreSQL did not start:\n{log}") from None
            time.sleep(0.1)
    yield f"postgresql://vigie@127.0.0.1:{port}/history"
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def store(postgres_url: str) -> Iterator[HistoryStore]:
    """The history on PostgreSQL, emptied for each test."""
    opened = HistoryStore.open(postgres_url)
    opened.delete_all()
    yield opened
    opened.close()


def test_postgres_has_the_search_index_and_answers_like_sqlite(store: HistoryStore) -> None:
    assert store.dialect == "postgresql"
    with store.engine.connect() as connection:
        indexes = set(
            connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'alerts'")
            ).scalars()
        )
    assert {"ix_alerts_search", "ix_alerts_time", "ix_alerts_country_time"} <= indexes
