"""Shared fixtures: real state built through the store API, a real server on a loopback port, a real HTTP client.

Storage and API tests that take the ``store_url`` fixture run on SQLite and, when one answers on loopback, on
PostgreSQL too (each test gets its own schema); without PostgreSQL those variants are skipped with the reason shown.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.services import Services
from fitbit_local.store import Store

PG_URL = os.environ.get("FITBIT_LOCAL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FITBIT_LOCAL_TEST_REDIS", "redis://127.0.0.1:6379/15")


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fitbit-local.sqlite3'}"
        return
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    raw = PG_URL.replace("+psycopg", "")
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def settings(tmp_path, store_url: str) -> Settings:  # type: ignore[no-untyped-def]
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


def start_server(services: Services) -> RunningServer:
    port = free_port()
    config = uvicorn.Config(
        create_app(services), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
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
def server(services: Services) -> Iterator[RunningServer]:
    running = start_server(services)
    yield running
    running.stop()


@pytest.fixture
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, follow_redirects=False, timeout=30) as client:
        yield client
