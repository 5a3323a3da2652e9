"""Engine creation and migrations: an SQLite file by default, PostgreSQL by URL, the same code for both."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import ClauseElement, Engine, create_engine, event, insert, select
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.compiler import SQLCompiler

from fitbit_local.store.schema import sandbox_state

MIGRATIONS = Path(__file__).with_name("migrations")
DATABASE_FILE = "fitbit-local.sqlite3"


def database_url_for(data_dir: str | Path) -> str:
    path = Path(data_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / DATABASE_FILE}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes; WAL keeps commits atomic
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, poolclass=QueuePool, pool_size=8, max_overflow=8, connect_args={"check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=True)


_READERS_LOCK = threading.Lock()


class FastReader:
    """A per-thread DBAPI connection for the small reads every request makes (the sandbox state row, a day's
    summary or arrays), skipping SQLAlchemy's connection, statement and result machinery: a one-row read through
    the pool costs ~50 µs, through this ~10 µs. Each read ends its transaction so PostgreSQL never holds a stale
    snapshot.

    Statements stay SQLAlchemy Core (the one source of the SQL), compiled once for the engine's dialect. Values come
    back as the DBAPI gives them (str, bytes, int, float): only for columns that need no result processing.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._local = threading.local()
        # statement → (SQL, bind names in positional order or None for named, default bind values)
        self._compiled: dict[ClauseElement, tuple[str, list[str] | None, dict[str, Any]]] = {}
        # Every thread's connection, so closing the store closes them: they are never returned to the pool, and
        # the pool's dispose only closes the connections it holds.
        self._opened: list[Any] = []
        self._opened_lock = threading.Lock()
        event.listen(engine, "engine_disposed", self._close_all)

    @classmethod
    def of(cls, engine: Engine) -> FastReader:
        """The engine's one reader (one connection per thread for all the repositories that read through it)."""
        reader: FastReader | None = getattr(engine, "_fitbit_local_reader", None)
        if reader is None:
            with _READERS_LOCK:
                reader = getattr(engine, "_fitbit_local_reader", None)
                if reader is None:
                    reader = cls(engine)
                    engine._fitbit_local_reader = reader  # type: ignore[attr-defined]  # lives as long as the engine
        return reader

    def _close_all(self, engine: Engine) -> None:
        with self._opened_lock:
            opened, self._opened = self._opened, []
            self._local = threading.local()
        for connection in opened:
            try:
                connection.invalidate()  # closes the DBAPI connection (the pool it came from is gone)
            except Exception:  # already closed by its thread's failed read
                pass

    def fetchone(self, sql: str) -> tuple | None:
        rows = self._run(sql, None, many=False)
        return rows[0] if rows else None

    def fetchall(self, statement: ClauseElement, params: dict[str, Any]) -> list[tuple]:
        """The rows of a Core statement, its bind parameters given by name (literals keep their own values)."""
        if statement not in self._compiled:
            compiled = cast(SQLCompiler, statement.compile(dialect=self._engine.dialect))
            order = list(compiled.positiontup or ()) if compiled.positional else None
            self._compiled[statement] = (str(compiled), order, dict(compiled.params))
        sql, order, defaults = self._compiled[statement]
        values = {**defaults, **params}
        bound = tuple(values[name] for name in order) if order is not None else values
        return self._run(sql, bound, many=True)

    def _run(self, sql: str, params: tuple | dict[str, Any] | None, *, many: bool) -> list[tuple]:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = self._engine.raw_connection()
            with self._opened_lock:
                self._opened.append(connection)
        try:
            cursor = connection.cursor()
            try:
                if params is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, params)
                return list(cursor.fetchall() if many else cursor.fetchmany(1))
            finally:
                cursor.close()
                connection.rollback()
        except Exception:
            local.connection = None
            with self._opened_lock:
                if connection in self._opened:
                    self._opened.remove(connection)
            connection.invalidate()
            raise


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema; safe to call on every start."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # pysqlite opens a transaction before DML only: without this BEGIN each CREATE TABLE commits at once,
            # and a process killed part-way through the migrations leaves tables that no version row records (the
            # next start then fails on them). IMMEDIATE: a second process starting at the same moment waits for
            # this one's migrations instead of racing them.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if connection.execute(select(sandbox_state.c.id)).first() is None:
            connection.execute(
                insert(sandbox_state).values(
                    id=1, clock_offset=0.0, clock_frozen_at=None, epoch=0, signing_key=secrets.token_hex(32)
                )
            )
