"""Is the database whole after a kill? SQLite: `PRAGMA integrity_check` and `foreign_key_check`; PostgreSQL: the
migration version is the head and every table of the schema reads to its end."""

from __future__ import annotations

import sqlite3

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text

from fitbit_local.store.db import alembic_config
from fitbit_local.store.schema import metadata


def sqlite_path(url: str) -> str | None:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None


def check_database(url: str, engine: Engine) -> str:
    """Raise AssertionError when the database is damaged; otherwise say what was checked."""
    path = sqlite_path(url)
    if path is not None:
        # A connection of our own, opened after the kill: it recovers the WAL as the next server start would.
        with sqlite3.connect(path) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert integrity == ["ok"], f"PRAGMA integrity_check: {integrity}"
        assert dangling == [], f"PRAGMA foreign_key_check: {dangling}"
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == head, f"migration version {version}, expected {head}"
        rows = 0
        for table in metadata.sorted_tables:
            # every row of every table, not only the count: a damaged page shows when it is read; the count may be
            # answered from an index, which must agree with the table
            read = sum(1 for _ in conn.execute(select(table)))
            counted = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert read == counted, f"{table.name}: {read} rows read, {counted} counted"
            rows += read
    what = "integrity_check ok, foreign_key_check empty, " if path is not None else ""
    return f"{what}schema at head, {rows} rows read"
