"""Shared fixtures: real state built through the store API, the app in-process behind a real HTTP client, and a real
server on a loopback port for the tests that need sockets.

``http`` is an ``httpx.Client`` whose transport hands each request to the ASGI app (``create_app(services)``, the
``FitbitEdge`` middleware included) on an event loop in a helper thread: what uvicorn does, minus the socket, in a
fraction of the time. A test that needs the real thing asks for it by name: ``live_server`` / ``live_http`` (real
client libraries such as python-fitbit over requests, raw HTTP details such as the Host header or a body without
Content-Length). Several workers and the CLI run as subprocesses in their own tests.

Storage and API tests that take the ``store_url`` fixture run on SQLite and, when one answers on loopback, on
PostgreSQL too; without PostgreSQL those variants are skipped with the reason shown. Each test gets a database of
its own, already migrated: a copy of an SQLite file migrated once per run, or a PostgreSQL schema from a pool
migrated once each and emptied between tests (a migration per test cost more than most tests).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from alembic import command
from alembic.script import ScriptDirectory
from anyio.from_thread import BlockingPortal, start_blocking_portal
from argon2 import PasswordHasher
from sqlalchemy import Engine

from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.protocols import http_protocol
from fitbit_local.services import Services
from fitbit_local.store import Store
from fitbit_local.store import users as users_module
from fitbit_local.store.db import DATABASE_FILE, alembic_config, create_db_engine
from fitbit_local.store.schema import metadata

PG_URL = os.environ.get("FITBIT_LOCAL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FITBIT_LOCAL_TEST_REDIS", "redis://127.0.0.1:6379/15")
# The in-process client's address: a reserved name (RFC 6761 .test) that nothing answers over the network, so a test
# that needed a real server fails loudly instead of reaching whatever listens on this machine.
BASE_URL = "http://fitbit-local.test"


def _postgres_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=2):
            return None
    except Exception as exc:  # any failure means "not available here"
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}"


def _redis_reason() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}"


POSTGRES_SKIP = _postgres_reason()
REDIS_SKIP = _redis_reason()


@pytest.fixture
def redis_url() -> str:
    if REDIS_SKIP:
        pytest.skip(REDIS_SKIP)
    return REDIS_URL


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing() -> Iterator[None]:
    """argon2id at its smallest cost (1 pass, 8 MiB, 1 lane) instead of argon2-cffi's defaults for users created and
    signed in within this process: hashing is a cost setting, not behaviour under test, and at full cost it dominated
    the OAuth and error tests. A stored hash carries its own parameters, so users the CLI creates in a subprocess (full
    cost) sign in the same way. tests/oauth/test_passwords.py puts the real hasher back to test the parameters."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
        yield


# --- databases ------------------------------------------------------------------------------------------------------


def migrate_schema_only(engine: Engine) -> None:
    """The migrations to head and nothing else: the sandbox row (with its signing key) is written by the first
    ``Store.open`` of each test's own database, as on a fresh install."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / DATABASE_FILE
    engine = create_db_engine(f"sqlite:///{path}")
    migrate_schema_only(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file, so copying the file is enough
    assert not Path(f"{path}-wal").exists(), "the template's WAL was not checkpointed"
    return path


class SchemaPool:
    """PostgreSQL schemas migrated once each and handed to one test at a time. A returned schema is emptied (rows
    deleted, sequences reset) if it still has exactly the migrated tables at head; one a test changed is dropped."""

    def __init__(self) -> None:
        import psycopg

        self._admin = psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True)
        self._admin.execute("SET lock_timeout = '5s'")
        self._free: list[str] = []
        self._all: list[str] = []
        self._tables = {table.name for table in metadata.sorted_tables} | {"alembic_version"}
        self._head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    @staticmethod
    def url(schema: str) -> str:
        return f"{PG_URL}?options=-csearch_path%3D{schema}"

    def acquire(self) -> str:
        if self._free:
            return self._free.pop()
        schema = f"t_{secrets.token_hex(6)}"
        self._admin.execute(f"CREATE SCHEMA {schema}")
        self._all.append(schema)
        engine = create_db_engine(self.url(schema))
        try:
            migrate_schema_only(engine)
        finally:
            engine.dispose()
        return schema

    def release(self, schema: str) -> None:
        """Empty the schema in one round trip (one implicit transaction) and read back its migration version and
        tables; a schema a test changed is dropped instead of reused."""
        import psycopg

        children_first = reversed(metadata.sorted_tables)
        statements = [
            *(f'DELETE FROM {schema}."{table.name}"' for table in children_first),
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) FROM pg_sequences"
            f" WHERE schemaname = '{schema}'",
            f"SELECT (SELECT version_num FROM {schema}.alembic_version),"
            f" (SELECT array_agg(tablename::text) FROM pg_tables WHERE schemaname = '{schema}')",
        ]
        try:
            cursor = self._admin.execute(";\n".join(statements))
        except psycopg.errors.LockNotAvailable:
            return  # a connection the test left open still holds a lock: dropped at the end of the run instead
        except psycopg.Error:
            self._drop(schema)  # a table is gone, or a new one refers to ours: not reusable
            return
        while cursor.nextset():
            pass
        version, tables = cursor.fetchone() or (None, None)
        if version != self._head or set(tables or ()) != self._tables:
            self._drop(schema)
            return
        self._free.append(schema)

    def _drop(self, schema: str) -> None:
        self._admin.execute(f"DROP SCHEMA {schema} CASCADE")
        self._all.remove(schema)

    def close(self) -> None:
        for schema in list(self._all):
            self._drop(schema)
        self._admin.close()


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[SchemaPool]:
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    pool = SchemaPool()
    yield pool
    pool.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of this test's own (its first ``Store.open`` writes the sandbox row)."""
    if request.param == "sqlite":
        path = tmp_path / DATABASE_FILE
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    pool: SchemaPool = request.getfixturevalue("pg_schemas")
    schema = pool.acquire()
    yield pool.url(schema)
    pool.release(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for tests that run the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / DATABASE_FILE}"
        return
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield SchemaPool.url(schema)
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def settings(tmp_path: Path, store_url: str) -> Settings:
    """Server settings over a fresh database: every test that uses them runs on SQLite and on PostgreSQL."""
    return Settings(
        data_dir=str(tmp_path), database_url=store_url, rate_limit=150, rate_limit_backend="memory"
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    svc = Services.build(settings)
    yield svc
    svc.store.close()


@pytest.fixture
def store(services: Services) -> Store:
    return services.store


# --- the app in-process ---------------------------------------------------------------------------------------------


class InProcessTransport(httpx.BaseTransport):
    """Runs each request through the ASGI app on the portal's event loop. As behind a real server, an exception the
    app lets escape becomes a 500 for the client instead of a test error (the app's own safety net answers first)."""

    def __init__(self, app: object, portal: BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app, raise_app_exceptions=False)  # type: ignore[arg-type]
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a generator body becomes bytes the async side can stream
        return self._portal.call(self._round_trip, request)

    async def _round_trip(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = b"".join([part async for part in response.stream])  # type: ignore[union-attr]
        return httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(body))


@contextmanager
def in_process(services: Services) -> Iterator[Callable[[], httpx.Client]]:
    """Opens clients on one app over ``services``; they share one event loop, so requests from several threads
    interleave in the app as they would in a uvicorn worker. Every client opened is closed on exit."""
    app = create_app(services)
    clients: list[httpx.Client] = []
    with start_blocking_portal() as portal:

        def open_client() -> httpx.Client:
            client = httpx.Client(
                transport=InProcessTransport(app, portal),
                base_url=BASE_URL,
                follow_redirects=False,
                timeout=30,
            )
            clients.append(client)
            return client

        try:
            yield open_client
        finally:
            for client in clients:
                client.close()


@pytest.fixture
def open_http(services: Services) -> Iterator[Callable[[], httpx.Client]]:
    """More in-process clients on the test's app (for tests that race requests from several threads)."""
    with in_process(services) as open_client:
        yield open_client


@pytest.fixture
def http(open_http: Callable[[], httpx.Client]) -> httpx.Client:
    """The default client: the app in-process, reached through httpx as over the network."""
    return open_http()


# --- a real server --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    base_url: str
    services: Services
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(services: Services, parser: str = "auto") -> RunningServer:
    """A real uvicorn on a loopback port, with the HTTP protocol `fitbit-local serve` runs (`parser`: auto, h11 or
    httptools)."""
    port = free_port()
    config = uvicorn.Config(
        create_app(services),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        http=http_protocol(parser),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return RunningServer(f"http://127.0.0.1:{port}", services, server, thread)


@pytest.fixture
def live_server(services: Services) -> Iterator[RunningServer]:
    """uvicorn on a loopback port in a thread, over the test's services: for real client libraries and raw HTTP."""
    running = start_server(services)
    yield running
    running.stop()


@pytest.fixture
def live_http(live_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, follow_redirects=False, timeout=30) as client:
        yield client
